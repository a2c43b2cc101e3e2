package org.ntk4j.spark.internal;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The tile directory, on any Hadoop file system (a local or shared path, {@code hdfs://}, ...). A file is written
 * under a unique temporary name ({@code .tmp-...}) and renamed into place, so a reader sees a whole tile or none:
 * a failed or killed task leaves at most a temporary file, which no reader takes for a tile.
 *
 * @param uri    the directory, as a path or URI
 * @param hadoop Hadoop settings to apply ({@code spark.hadoop.*} of the Spark configuration, prefix removed)
 */
public record TileStore(String uri, Map<String, String> hadoop) implements Serializable {
    /** Prefix of temporary files. */
    public static final String TEMP_PREFIX = ".tmp-";

    /** File systems per store (a Hadoop Configuration and file-system lookup per call would dominate small tiles). */
    private static final Map<TileStore, FileSystem> FILE_SYSTEMS = new java.util.concurrent.ConcurrentHashMap<>();

    private FileSystem fs() throws IOException {
        FileSystem cached = FILE_SYSTEMS.get(this);
        if (cached != null) {
            return cached;
        }
        Configuration conf = new Configuration();
        hadoop.forEach(conf::set);
        FileSystem fs = new Path(uri).getFileSystem(conf);
        // no .crc side files on a local directory: the tiles carry their own size check (the .npy header)
        FileSystem chosen = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
        FILE_SYSTEMS.put(this, chosen);
        return chosen;
    }

    private Path path(String name) {
        return new Path(new Path(uri), name);
    }

    /** Creates the directory if needed. */
    public void create() {
        try {
            fs().mkdirs(new Path(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("tile directory " + uri + ": cannot create: " + e.getMessage(), e);
        }
    }

    /**
     * @param name a file name in the directory
     * @return true when the (complete) file exists
     */
    public boolean exists(String name) {
        try {
            return fs().exists(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(uri + "/" + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code bytes} to {@code name} through a temporary file and a rename. When another attempt renamed the
     * same tile first, that (identical) file is kept.
     *
     * @param name  the file name
     * @param bytes the content
     */
    public void writeAtomically(String name, byte[] bytes) {
        Path target = path(name);
        Path tmp = path(TEMP_PREFIX + name + "." + UUID.randomUUID());
        try {
            FileSystem fs = fs();
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
            if (!fs.rename(tmp, target) && !fs.exists(target)) {
                throw new IOException("rename of " + tmp + " to " + target + " failed");
            }
            fs.delete(tmp, false); // only when the rename did not happen (another attempt was first)
        } catch (IOException e) {
            throw new UncheckedIOException(uri + "/" + name + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * @param name a file name
     * @return its length in bytes
     */
    public long length(String name) {
        try {
            return fs().getFileStatus(path(name)).getLen();
        } catch (IOException e) {
            throw new UncheckedIOException(uri + "/" + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param name a file name
     * @return a stream of its content (the caller closes it)
     */
    public InputStream open(String name) {
        try {
            FSDataInputStream in = fs().open(path(name));
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(uri + "/" + name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** @return the names of the directory's files, temporary ones included */
    public List<String> list() {
        try {
            List<String> names = new ArrayList<>();
            FileSystem fs = fs();
            if (!fs.exists(new Path(uri))) {
                return names;
            }
            for (FileStatus s : fs.listStatus(new Path(uri))) {
                names.add(s.getPath().getName());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("tile directory " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tile directory of a job.
     *
     * @param uri  the directory the caller gave, or null for a new temporary local directory (local masters only)
     * @param conf the Spark configuration ({@code spark.master}, and the {@code spark.hadoop.*} settings the
     *             executors apply)
     * @return the store
     * @throws IllegalArgumentException when no directory is given on a cluster
     */
    public static TileStore of(String uri, org.apache.spark.SparkConf conf) {
        Map<String, String> hadoop = new java.util.HashMap<>();
        for (scala.Tuple2<String, String> e : conf.getAllWithPrefix("spark.hadoop.")) {
            hadoop.put(e._1(), e._2());
        }
        if (uri != null) {
            return new TileStore(uri, hadoop);
        }
        String master = conf.get("spark.master", "");
        if (!master.startsWith("local")) {
            throw new IllegalArgumentException("a tile directory is needed on a cluster (master " + master
                    + "): give tileDirectory(...) a path or URI every executor and the driver can reach "
                    + "(a shared file system, hdfs://...)");
        }
        try {
            return new TileStore(java.nio.file.Files.createTempDirectory("ntk-spark-tiles-").toUri().toString(), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a temporary local directory (from {@link #of} without a directory) and its files, as far as it can. */
    public void deleteTemporaryDirectory() {
        java.nio.file.Path dir = java.nio.file.Path.of(java.net.URI.create(uri));
        for (String n : list()) {
            try {
                java.nio.file.Files.deleteIfExists(dir.resolve(n));
            } catch (IOException ignored) {
                // a temporary directory: what cannot be deleted stays in the temp folder
            }
        }
        try {
            java.nio.file.Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // as above
        }
    }

    /** Deletes the temporary files that failed or killed attempts left behind. */
    public void deleteTemporaryFiles() {
        try {
            FileSystem fs = fs();
            for (String n : list()) {
                if (n.startsWith(TEMP_PREFIX)) {
                    fs.delete(path(n), false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tile directory " + uri + ": " + e.getMessage(), e);
        }
    }
}
