package org.ntk4j.examples.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormat;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.spark.SparkKernel;
import org.ntk4j.spark.SparkKernelResult;

import java.util.Arrays;
import java.util.Locale;

/** {@code ntk kernel ... --spark MASTER}: the empirical or analytic kernel through {@link SparkKernel}. */
final class SparkKernelRunner {
    private SparkKernelRunner() {
    }

    static int run(KernelCommand c, SparkOptions s) {
        if (c.repeat != 1) {
            throw new IllegalArgumentException("--repeat is for single-machine timing; drop it with --spark (got: "
                    + c.repeat + ")");
        }
        if (c.blockSize < 1) {
            throw new IllegalArgumentException("--block-size must be >= 1 (got: " + c.blockSize + ")");
        }
        if (s.tilesPerTask != null && s.tilesPerTask < 1) {
            throw new IllegalArgumentException("--tiles-per-task must be >= 1 (got: " + s.tilesPerTask + ")");
        }
        boolean analytic = c.config != null;
        String which = c.kernel.trim().toLowerCase(Locale.ROOT);
        OutputMode om = analytic ? OutputMode.TRACE : KernelCommand.parse(OutputMode.class, c.mode, "--mode", "trace, full");
        NtkImplementation impl = analytic ? NtkImplementation.AUTO
                : KernelCommand.parse(NtkImplementation.class, c.implementation, "--implementation",
                "auto, structured, jacobian");
        if (analytic && !which.equals("ntk") && !which.equals("nngp")) {
            throw new IllegalArgumentException("--kernel must be ntk or nngp (got: " + c.kernel + ")");
        }
        if (!analytic && !which.equals("ntk")) {
            throw new IllegalArgumentException("--kernel " + c.kernel + " needs --config: the empirical kernel of --model "
                    + "is the NTK");
        }
        if (analytic && om != OutputMode.TRACE) {
            throw new IllegalArgumentException("--mode " + c.mode + " is for --model");
        }
        ArrayIO.checkWritable(c.out, "--out");
        INDArray a = c.input.read(c.x1, "--x1");
        INDArray b = c.x2 == null ? null : c.input.read(c.x2, "--x2");
        Model net = analytic ? null : ModelIO.load(c.model);
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = analytic
                ? AnalyticKernelRunner.readConfiguration(c.config) : null;
        if (analytic) {
            AnalyticKernelRunner.load(c.config, c.quadratureDegree, c.tolerance); // refuses bad flags and layers now
            a = floating(a);
            b = b == null ? null : floating(b).castTo(a.dataType());
        }
        DataType fileType = c.outType == null ? null
                : KernelCommand.parse(KernelCommand.OutType.class, c.outType, "--out-type", "float, double")
                == KernelCommand.OutType.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
        ProgressBar bar = new ProgressBar(!c.json);
        JavaSparkContext jsc = new JavaSparkContext(conf(s.master));
        SparkKernelResult r;
        try {
            SparkKernel.Builder sb = SparkKernel.builder(jsc).implementation(impl).outputMode(om).tileSize(c.blockSize)
                    .memoryBudgetBytes(c.input.budget().bytes()).progress(bar);
            if (s.tilesPerTask != null) {
                sb.tilesPerTask(s.tilesPerTask);
            }
            if (s.directory != null) {
                sb.tileDirectory(s.directory);
            }
            SparkKernel sk = sb.build();
            boolean nngp = which.equals("nngp");
            try {
                r = analytic ? sk.analytic(conf, c.quadratureDegree, c.tolerance, nngp, a, b) : sk.empirical(net, a, b);
            } catch (MemoryBudgetExceededException e) { // the driver's check, before any task ran
                if (ArrayFormat.ofFileName(c.out.getFileName().toString()) != ArrayFormat.NPY) {
                    throw e;
                }
                DataType ft = fileType == null ? DataType.FLOAT : fileType;
                bar.announce("ntk kernel: the kernel needs about " + MemoryBudget.human(e.neededBytes())
                        + " on the driver but the memory budget is " + MemoryBudget.human(e.budgetBytes())
                        + ": the driver writes it to " + c.out + " tile by tile (out of core, "
                        + ft.name().toLowerCase(Locale.ROOT) + (om == OutputMode.FULL ? ", FULL as [n1*o, n2*o]" : "")
                        + "; a rerun continues an interrupted file)");
                r = analytic ? sk.analyticToFile(conf, c.quadratureDegree, c.tolerance, nngp, a, b, c.out, ft)
                        : sk.empiricalToFile(net, a, b, c.out, ft);
            }
        } finally {
            bar.done();
            jsc.stop();
        }
        INDArray k = r.kernel();
        if (k != null) {
            ArrayIO.write(fileType == null || fileType == k.dataType() ? k : k.castTo(fileType), c.out, "--out");
        }
        double[] top = k == null ? null : KernelCommand.topEigenvalues(k, om, b == null, 5);
        String tops = top == null ? "null" : Arrays.toString(top).replace(" ", "");
        org.ntk4j.core.io.NpyHeader h = k == null ? ArrayFiles.readNpyHeader(c.out) : null;
        String shape = Arrays.toString(k != null ? k.shape() : h.shape());
        String type = k != null ? String.valueOf(fileType == null ? k.dataType() : fileType)
                : h.descr().equals("<f4") ? "FLOAT" : "DOUBLE";
        if (c.json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"command\":\"kernel\",\"source\":\"%s\",\"kernel\":\"%s\",\"shape\":%s,\"data_type\":\"%s\","
                            + "\"mode\":\"%s\",\"spark_master\":\"%s\",\"spark_tasks\":%d,\"spark_task_attempts\":%d,"
                            + "\"spark_failed_attempts\":%d,\"tiles\":%d,\"reused_tiles\":%d,\"tile_size\":%d,"
                            + "\"out_of_core\":%b,\"tiles_resumed\":%d,"
                            + "\"tile_seconds_mean\":%.6f,\"seconds\":%.6f,\"top_eigenvalues\":%s,\"out\":\"%s\"}",
                    analytic ? "analytic" : "empirical", which, shape.replace(" ", ""), type, om, json(s.master),
                    r.tasks(), r.taskAttempts(), r.failedAttempts(), r.tiles(), r.reusedTiles(), c.blockSize,
                    k == null, r.resumedTiles(), r.tileSeconds(), r.seconds(), tops, json(c.out.toString())));
        } else {
            System.out.println((analytic ? "infinite-width " + which.toUpperCase(Locale.ROOT) : "kernel") + " "
                    + shape + " " + type + (k == null ? " (out of core)" : "") + " -> " + c.out);
            System.out.println(String.format(Locale.ROOT, "spark %s: %d tiles of %d examples in %d tasks (%d attempts, "
                            + "%d failed), %d tiles reused, %d resumed from the file; %.4f s per tile, %.4f s in all",
                    s.master, r.tiles(), c.blockSize, r.tasks(), r.taskAttempts(), r.failedAttempts(), r.reusedTiles(),
                    r.resumedTiles(), r.tileSeconds(), r.seconds()));
            System.out.println(k == null ? "top eigenvalues: (not computed for a kernel written out of core)"
                    : top == null ? "top eigenvalues: (not symmetric: x2 given)"
                    : "top eigenvalues: " + Arrays.toString(top));
        }
        return 0;
    }

    private static SparkConf conf(String master) {
        SparkConf conf = new SparkConf().setAppName("ntk kernel").setMaster(master.trim())
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        if (master.trim().startsWith("local")) {
            // everything in this JVM: loopback only, no web UI
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                    .setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }

    private static INDArray floating(INDArray x) {
        return x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
