package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The infinite-width kernels of a DL4J configuration saved as JSON ({@code MultiLayerConfiguration.toJson()}), for
 * {@code ntk kernel --config conf.json --kernel ntk|nngp}.
 *
 * <pre>{@code
 * AnalyticKernel k = AnalyticKernelRunner.load(Path.of("conf.json"), 25);
 * INDArray ntk = AnalyticKernelRunner.compute(k, x1, null, "ntk");   // [n1, n1]
 * }</pre>
 */
public final class AnalyticKernelRunner {
    private AnalyticKernelRunner() {
    }

    /**
     * @param json a file written from {@code MultiLayerConfiguration.toJson()}, or a pipe
     * @return the configuration
     * @throws IllegalArgumentException when the file is missing or is not such a JSON
     */
    public static MultiLayerConfiguration readConfiguration(Path json) {
        if (!Files.exists(json)) {
            throw new IllegalArgumentException("cannot read " + json + ": no such file");
        }
        if (Files.isDirectory(json)) {
            throw new IllegalArgumentException("cannot read " + json + ": is a directory");
        }
        String text;
        try (java.io.InputStream in = new java.io.FileInputStream(json.toFile())) {
            // a plain read loop: Files.readString and FileInputStream.readAllBytes seek, which pipes and <(...) refuse
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                bytes.write(buf, 0, r);
            }
            text = bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + json + ": " + e.getMessage());
        }
        try {
            return MultiLayerConfiguration.fromJson(text);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException(json + " is not a DL4J MultiLayerConfiguration JSON (write it with "
                    + "conf.toJson()): " + msg);
        }
    }

    /**
     * @param json             the configuration file
     * @param quadratureDegree Gauss–Hermite nodes per dimension for activations without closed form
     * @return its analytic kernel
     * @throws IllegalArgumentException for unreadable files and unsupported configurations (naming the layer)
     */
    public static AnalyticKernel load(Path json, int quadratureDegree) {
        return load(json, quadratureDegree, org.ntk4j.core.analytic.FullyConnectedKernel.DEFAULT_TOLERANCE);
    }

    /**
     * @param json             the configuration file
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension (experts), or {@code null} for the
     *                         error-controlled rule
     * @param tolerance        tolerance of the error-controlled rule, in [1e-12, 1)
     * @return its analytic kernel
     */
    public static AnalyticKernel load(Path json, Integer quadratureDegree, double tolerance) {
        if (quadratureDegree != null && (quadratureDegree < 2 || quadratureDegree > 400)) {
            throw new IllegalArgumentException("--quadrature-degree must be in [2, 400] (got: " + quadratureDegree + ")");
        }
        if (!(tolerance >= 1e-12 && tolerance < 1)) {
            throw new IllegalArgumentException("--tolerance must be in [1e-12, 1) (got: " + tolerance + ")");
        }
        AnalyticKernel k = AnalyticKernels.of(readConfiguration(json));
        return quadratureDegree != null ? k.withQuadratureDegree(quadratureDegree) : k.withTolerance(tolerance);
    }

    /**
     * @param kernel the analytic kernel
     * @param x1     features {@code [n1, nIn]}; integer arrays are read as DOUBLE
     * @param x2     features {@code [n2, nIn]} or {@code null}
     * @param which  {@code "ntk"} or {@code "nngp"} (case-insensitive)
     * @return the chosen kernel {@code [n1, n2]}, FLOAT for FLOAT input, DOUBLE otherwise
     */
    public static INDArray compute(AnalyticKernel kernel, INDArray x1, INDArray x2, String which) {
        return compute((Limited) kernel::compute, x1, x2, which);
    }

    /**
     * @param kernel   the analytic kernel of a configuration
     * @param tileSize tile edge in examples ({@code --block-size}); values below 1 keep the default
     * @param budget   the memory budget ({@code --memory-budget})
     * @return the same kernel (architecture, parameterization, quadrature degree) with that tile size and budget
     */
    public static FullyConnectedKernel limited(AnalyticKernel kernel, int tileSize, MemoryBudget budget) {
        // withTileSize / withMemoryBudget keep the rule (error-controlled, or the expert fixed degree) and tolerance
        return (tileSize >= 1 ? kernel.withTileSize(tileSize) : kernel).withMemoryBudget(budget).kernel();
    }

    /**
     * @param kernel the kernel (from {@link #limited})
     * @param x1     features {@code [n1, nIn]}; integer arrays are read as DOUBLE
     * @param x2     features {@code [n2, nIn]} or {@code null}
     * @param which  {@code "ntk"} or {@code "nngp"} (case-insensitive)
     * @return the chosen kernel {@code [n1, n2]}, FLOAT for FLOAT input, DOUBLE otherwise
     */
    public static INDArray compute(FullyConnectedKernel kernel, INDArray x1, INDArray x2, String which) {
        return compute((Limited) kernel::compute, x1, x2, which);
    }

    /** A kernel ready to compute, dense or convolutional, with the CLI's tile size and memory budget. */
    @FunctionalInterface
    public interface Limited {
        /**
         * @param x1 features or images
         * @param x2 the same, or {@code null} for {@code x1} with itself
         * @return the kernels of {@code x1} with {@code x2}
         */
        KernelPair compute(INDArray x1, INDArray x2);
    }

    /**
     * @param kernel   the analytic kernel of a dense or convolutional configuration
     * @param tileSize tile edge in examples ({@code --block-size}); values below 1 keep the default
     * @param budget   the memory budget ({@code --memory-budget})
     * @return the kernel with that tile size and budget (images are checked against the configuration)
     */
    public static Limited limitedAny(AnalyticKernel kernel, int tileSize, MemoryBudget budget) {
        if (!kernel.isConvolutional()) {
            return limited(kernel, tileSize, budget)::compute;
        }
        AnalyticKernel k = (tileSize >= 1 ? kernel.withTileSize(tileSize) : kernel).withMemoryBudget(budget);
        return k::compute;
    }

    /**
     * @param kernel the kernel (from {@link #limitedAny})
     * @param x1     features or images; integer arrays are read as DOUBLE
     * @param x2     the same or {@code null}
     * @param which  {@code "ntk"} or {@code "nngp"} (case-insensitive)
     * @return the chosen kernel {@code [n1, n2]}, FLOAT for FLOAT input, DOUBLE otherwise
     */
    public static INDArray compute(Limited kernel, INDArray x1, INDArray x2, String which) {
        String w = which == null ? "" : which.trim().toLowerCase(Locale.ROOT);
        if (!w.equals("ntk") && !w.equals("nngp")) {
            throw new IllegalArgumentException("--kernel must be ntk or nngp (got: " + which + ")");
        }
        INDArray a = floating(x1);
        INDArray b = x2 == null ? null : floating(x2).castTo(a.dataType());
        KernelPair kp = kernel.compute(a, b);
        return w.equals("ntk") ? kp.ntk() : kp.nngp();
    }

    private static INDArray floating(INDArray x) {
        return x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
    }
}
