package org.ntk4j.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.internal.NpyDtype;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Broken files of every kind — every truncation, flipped header bytes, random bytes — are refused cleanly: an
 * {@link ArrayFormatException} with one line naming the file, never another exception, never a crash. A flip that turns
 * a header into another valid header (e.g. {@code '<f8'} into {@code '>f8'}) gives a file that is read as exactly what
 * its new header says.
 */
class ArrayFilesFuzzTest extends NtkTestBase {
    @TempDir
    Path dir;

    private final Random rnd = new Random(20261201L);

    @Test
    void everyTruncationOfEveryGoldenFileIsRefused() throws IOException {
        int refused = 0;
        for (GoldenFiles.Case c : GoldenFiles.cases()) {
            if (!c.ok() || c.location().contains(":") || c.values().length == 0) {
                continue;
            }
            byte[] good = Files.readAllBytes(GoldenFiles.dir().resolve(c.fileName()));
            String ext = c.fileName().substring(c.fileName().lastIndexOf('.'));
            boolean text = ext.equals(".csv") || ext.equals(".txt");
            if (rnd.nextInt(3) != 0 && !text) {
                continue; // a third of the binary files: the same code paths, a third of the time
            }
            for (int len = 0; len < good.length; len += good.length < 200 ? 1 : 1 + rnd.nextInt(12)) {
                Path p = dir.resolve("cut" + ext);
                Files.write(p, Arrays.copyOf(good, len));
                if (text) {
                    // a CSV cut at a line end is a shorter valid file; anywhere else it must be refused or shorter
                    outcome(p, true);
                } else {
                    refuse(p);
                    refused++;
                }
            }
        }
        assertTrue(refused > 500, "refused " + refused + " truncations");
    }

    @Test
    void flippedHeaderBytesAreRefusedOrReadAsTheNewHeaderSays() throws IOException {
        int refused = 0, valid = 0;
        for (String n : new String[]{"x_c_le_f8.npy", "x_f_be_f4.npy", "x_v3.npy", "r0.npy", "x_c_be_u8.npy"}) {
            byte[] good = Files.readAllBytes(GoldenFiles.dir().resolve(n));
            int headerEnd = 10 + (good[8] & 0xFF) + ((good[9] & 0xFF) << 8) + (good[6] == 1 ? 0 : 2);
            for (int i = 0; i < headerEnd; i++) {
                for (int trial = 0; trial < 4; trial++) {
                    byte[] b = good.clone();
                    b[i] ^= (byte) (trial == 0 ? 0x02 : 1 + rnd.nextInt(255));
                    Path p = dir.resolve("flip.npy");
                    Files.write(p, b);
                    if (outcome(p, false) == null) {
                        refused++;
                    } else {
                        valid++;
                    }
                }
            }
        }
        assertTrue(refused > 1000 && valid < refused / 10, refused + " refused, " + valid + " still valid");
    }

    @Test
    void randomBytesAreRefusedWhateverTheExtension() throws IOException {
        for (String ext : new String[]{".npy", ".npz", ".csv", ""}) {
            for (int trial = 0; trial < 300; trial++) {
                byte[] b = new byte[16 + rnd.nextInt(trial < 150 ? 64 : 4096)];
                rnd.nextBytes(b);
                if (trial % 3 == 1) {
                    System.arraycopy(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, 0, b, 0, 8);
                } else if (trial % 3 == 2) {
                    System.arraycopy(new byte[]{'P', 'K', 3, 4}, 0, b, 0, 4);
                }
                Path p = dir.resolve("random" + trial + ext);
                Files.write(p, b);
                refuse(p);
            }
        }
    }

    @Test
    void corruptedNpzArchivesAreRefused() throws IOException {
        for (String n : new String[]{"one.npz", "one_compressed.npz"}) {
            byte[] good = Files.readAllBytes(GoldenFiles.dir().resolve(n));
            for (int trial = 0; trial < 400; trial++) {
                byte[] b = good.clone();
                int at = rnd.nextInt(b.length);
                b[at] ^= (byte) (1 + rnd.nextInt(255));
                Path p = dir.resolve("flip.npz");
                Files.write(p, b);
                INDArray a = outcome(p, false);
                if (a != null) {
                    // a flip in zip metadata numpy ignores too (times, comments, version fields): same array
                    assertArrayEquals(new long[]{4, 3}, a.shape(), n + " byte " + at);
                    assertEquals(ArrayFiles.read(GoldenFiles.dir().resolve(n)), a, n + " byte " + at);
                }
            }
        }
    }

    private static void refuse(Path p) {
        if (outcome(p, false) != null) {
            fail(p + " was read, but must be refused");
        }
    }

    /** @return the array read, or {@code null} after checking that the refusal is clean */
    private static INDArray outcome(Path p, boolean mayBeValid) {
        try {
            INDArray a = ArrayFiles.read(p);
            if (p.toString().endsWith(".npy")) {
                NpyHeader h = ArrayFiles.readNpyHeader(p);
                assertArrayEquals(h.shape(), a.shape(), "a file read must match its header");
                assertEquals(NpyDtype.parse(h.descr()).dtype().target(), a.dataType());
                assertEquals(Files.exists(p) ? fileSize(p) : -1, h.totalBytes());
            }
            return a;
        } catch (ArrayFormatException e) {
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            throw new AssertionError(p + ": not a clean refusal: " + e, e);
        }
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
