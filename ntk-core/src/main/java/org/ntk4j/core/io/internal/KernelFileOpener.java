package org.ntk4j.core.io.internal;

import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.io.NpyHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens the channels of an out-of-core kernel file ({@code org.ntk4j.core.io.KernelFile}): a new partial file and
 * ledger, or the partial file and ledger of an interrupted run after checking that they describe the same kernel and
 * that every recorded tile still has its CRC-32. Anything else is refused with an {@link ArrayFormatException} naming
 * the file; nothing is overwritten.
 */
public final class KernelFileOpener {
    private KernelFileOpener() {
    }

    /**
     * The open channels.
     *
     * @param data       the partial {@code .npy} (read and write)
     * @param ledger     the ledger (append)
     * @param dataOffset offset of the first data byte
     * @param recorded   tiles already finished (key {@code bi·colBlocks + bj} → CRC-32)
     */
    public record Opened(FileChannel data, FileChannel ledger, long dataOffset, Map<Long, Integer> recorded) {
    }

    /**
     * @param target  the final path
     * @param partial its partial file
     * @param ledger  its ledger
     * @param spec    the kernel
     * @return the channels of a new or resumed file
     * @throws ArrayFormatException when a partial file or ledger of another kernel, or a damaged one, is in the way
     */
    public static Opened open(Path target, Path partial, Path ledger, KernelFileSpec spec) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ArrayFormatException(target.toString(), "cannot write: directory " + dir + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new ArrayFormatException(target.toString(), "is a directory; give a file name");
        }
        long tileBytes = (long) spec.block() * spec.entriesPerExample() * spec.block() * spec.entriesPerExample() * 8;
        if (tileBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tile of " + spec.block() + " x " + spec.block() + " examples with "
                    + spec.entriesPerExample() + " entries each exceeds 2 GB: use a smaller block (got: " + spec.block() + ")");
        }
        byte[] header = NpyHeaderCodec.format(spec.descr(), spec.shape());
        try {
            if (Files.exists(ledger)) {
                return resume(partial, ledger, spec, header);
            }
            if (Files.exists(partial)) {
                throw new ArrayFormatException(partial.toString(), "exists without its ledger " + ledger.getFileName()
                        + ", so it cannot be resumed (it may belong to another computation): delete it, or write to "
                        + "another file");
            }
            FileChannel lc = FileChannel.open(ledger, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                writeFully(lc, ByteBuffer.wrap(KernelLedger.header(spec, header.length)));
                lc.force(true);
                return new Opened(create(partial, header, spec), lc, header.length, new HashMap<>());
            } catch (IOException | RuntimeException e) {
                lc.close();
                throw e;
            }
        } catch (IOException e) {
            throw new ArrayFormatException(target.toString(), "cannot write: " + e, e);
        }
    }

    private static FileChannel create(Path partial, byte[] header, KernelFileSpec spec) throws IOException {
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            writeFully(ch, ByteBuffer.wrap(header));
            long end = header.length + spec.dataBytes();
            ch.write(ByteBuffer.wrap(new byte[1]), end - 1);   // full size, sparse until written
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Opened resume(Path partial, Path ledger, KernelFileSpec spec, byte[] header) throws IOException {
        int headerLength = header.length;
        String ln = ledger.toString();
        KernelLedger.Parsed p;
        try {
            p = KernelLedger.parse(Files.readAllBytes(ledger), ln);
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException(ln, e.getMessage() + "; it is not this kernel's ledger: delete it and "
                    + partial.getFileName() + ", or write to another file");
        }
        if (!p.spec().equals(spec) || p.dataOffset() != headerLength) {
            throw new ArrayFormatException(ln, "records another kernel (" + describe(p.spec()) + ") than this one ("
                    + describe(spec) + "): delete it and " + partial.getFileName() + " to start again, or write to "
                    + "another file");
        }
        if (!Files.exists(partial)) {
            if (!p.tiles().isEmpty()) {
                throw new ArrayFormatException(ln, "records " + p.tiles().size() + " finished tiles but "
                        + partial.getFileName() + " is missing: delete the ledger to start again");
            }
            FileChannel lc = FileChannel.open(ledger, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            try {
                return new Opened(create(partial, header, spec), lc, headerLength, new HashMap<>());
            } catch (IOException | RuntimeException e) {
                lc.close();
                throw e;
            }
        }
        NpyHeader h;
        try {
            h = ArrayFiles.readNpyHeader(partial);
        } catch (ArrayFormatException e) {
            throw new ArrayFormatException(partial.toString(), "is damaged (" + e.getMessage() + "): delete it and "
                    + ledger.getFileName() + " to start again");
        }
        if (h.fortranOrder() || !h.descr().equals(spec.descr()) || !Arrays.equals(h.shape(), spec.shape())
                || h.dataOffset() != headerLength) {
            throw new ArrayFormatException(partial.toString(), "holds " + h + ", not the " + Arrays.toString(spec.shape())
                    + " " + spec.descr() + " kernel its ledger describes: delete it and " + ledger.getFileName()
                    + " to start again");
        }
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel lc = null;
        try {
            verify(ch, spec, headerLength, p.tiles(), partial, ledger);
            lc = FileChannel.open(ledger, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            truncateFragment(lc, ledger);
            return new Opened(ch, lc, headerLength, new HashMap<>(p.tiles()));
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (lc != null) {
                lc.close();
            }
            throw e;
        }
    }

    /** Drops a record cut short by an interruption, so that the next record starts on its own line. */
    private static void truncateFragment(FileChannel lc, Path ledger) throws IOException {
        byte[] all = Files.readAllBytes(ledger);
        int end = all.length;
        while (end > 0 && all[end - 1] != '\n') {
            end--;
        }
        if (end < all.length) {
            lc.truncate(end);
        }
    }

    /** Re-reads every recorded tile and compares its CRC-32 with the ledger's. */
    private static void verify(FileChannel ch, KernelFileSpec spec, long offset, Map<Long, Integer> tiles, Path partial,
                               Path ledger) throws IOException {
        for (Map.Entry<Long, Integer> e : tiles.entrySet()) {
            long bi = e.getKey() / spec.colBlocks(), bj = e.getKey() % spec.colBlocks();
            if (TileBytes.crc(ch, spec, offset, bi, bj) != e.getValue()) {
                throw new ArrayFormatException(partial.toString(), "tile (" + bi + ", " + bj + ") does not have the "
                        + "checksum its ledger records: the file was changed or damaged; delete it and "
                        + ledger.getFileName() + " to start again");
            }
        }
    }

    private static String describe(KernelFileSpec s) {
        return s.rows() + " x " + s.cols() + " examples, " + s.entriesPerExample() + " per example, " + s.descr()
                + ", block " + s.block() + (s.symmetric() ? ", symmetric" : "") + ", fingerprint " + s.fingerprint();
    }

    /**
     * @param ch a channel
     * @param b  bytes to write at its position
     * @throws IOException on a write error
     */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
