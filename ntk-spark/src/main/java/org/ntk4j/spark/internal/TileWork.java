package org.ntk4j.spark.internal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A kernel job before it runs, prepared on the driver: the inputs checked, the payload to broadcast (the network's
 * ModelSerializer zip, or the configuration's JSON) with its fingerprint, what the executors compute, and the
 * out-of-core kernel file the driver may write.
 *
 * @param computer   what the executors compute
 * @param payload    the broadcast bytes
 * @param payloadSha their fingerprint, for the tile directory's index
 * @param type       the data type of the tiles the executors write
 * @param o          outputs per example of a FULL kernel ({@code [r, c, o, o]} tiles), 0 otherwise
 * @param fileSpec   the kernel file of this kernel (in the requested file type)
 */
public record TileWork(TileComputer<?> computer, byte[] payload, String payloadSha, DataType type, int o,
                       KernelFileSpec fileSpec) {
    /** The network kinds a ModelSerializer zip holds: true for a ComputationGraph. */
    private static final Map<Class<?>, Boolean> GRAPH = Map.of(MultiLayerNetwork.class, false,
            ComputationGraph.class, true);

    /**
     * The empirical NTK. The driver's {@link EmpiricalNtk} checks the features against the network and gives the
     * kernel file {@code EmpiricalNtk.computeToFile} writes (same shape, layout and fingerprint); the tiles are the
     * executors' work.
     *
     * @param model          a MultiLayerNetwork or single-input ComputationGraph
     * @param x1             features {@code [n1, ...]}
     * @param x2             features {@code [n2, ...]}, or null
     * @param implementation the engine's implementation
     * @param mode           TRACE or FULL
     * @param tile           examples per tile side
     * @param fileType       FLOAT or DOUBLE
     * @return the job
     */
    public static TileWork empirical(Model model, INDArray x1, INDArray x2, NtkImplementation implementation,
                                     OutputMode mode, int tile, DataType fileType) {
        Boolean graph = model == null ? null : GRAPH.get(model.getClass());
        if (graph == null) {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph (got: "
                    + (model == null ? "null" : model.getClass().getName()) + ")");
        }
        checkFeatures(x1, x2);
        KernelFileSpec spec = EmpiricalNtk.builder().implementation(implementation).outputMode(mode).blockSize(tile)
                .build().fileSpec(model, x1, x2, fileType);
        byte[] zip;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(model, out, false);
            zip = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the network: " + e.getMessage(), e);
        }
        return new TileWork(new EmpiricalTiles(graph, implementation, mode, tile), zip, JobIndex.zipSha256(zip),
                model.params().dataType(), mode == OutputMode.FULL ? spec.entriesPerExample() : 0, spec);
    }

    /**
     * The infinite-width kernel of a configuration; the kernel file's fingerprint covers the rule, the
     * configuration and the features.
     *
     * @param conf             the configuration
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension, or null for the error-controlled rule
     * @param tolerance        the error-controlled rule's tolerance
     * @param nngp             true for the NNGP kernel, false for the NTK
     * @param x1               features {@code [n1, nIn]}
     * @param x2               features {@code [n2, nIn]}, or null
     * @param tile             examples per tile side
     * @param fileType         FLOAT or DOUBLE
     * @return the job
     */
    public static TileWork analytic(MultiLayerConfiguration conf, Integer quadratureDegree, double tolerance,
                                    boolean nngp, INDArray x1, INDArray x2, int tile, DataType fileType) {
        if (conf == null) {
            throw new IllegalArgumentException("conf must not be null (got: null)");
        }
        checkFeatures(x1, x2);
        AnalyticTiles computer = new AnalyticTiles(quadratureDegree, tolerance, nngp, tile);
        byte[] json = conf.toJson().getBytes(StandardCharsets.UTF_8);
        computer.prepare(json); // refuses an unsupported layer here, once
        String sha = JobIndex.sha256(json);
        String fingerprint = "spark-analytic-sha256-" + JobIndex.sha256((computer.describe() + "\n" + sha + "\n"
                + JobIndex.sha256(npy(x1)) + "\n" + (x2 == null ? "" : JobIndex.sha256(npy(x2))))
                .getBytes(StandardCharsets.UTF_8));
        long n1 = x1.size(0), n2 = x2 == null ? n1 : x2.size(0);
        return new TileWork(computer, json, sha, x1.dataType(), 0,
                new KernelFileSpec(n1, n2, 1, fileType, tile, x2 == null, fingerprint));
    }

    /**
     * @param x an array
     * @return its {@code .npy} bytes (C order)
     */
    public static byte[] npy(INDArray x) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArrayFiles.writeNpy(x.dup('c'), out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkFeatures(INDArray x1, INDArray x2) {
        check("x1", x1);
        if (x2 != null) {
            check("x2", x2);
        }
    }

    private static void check(String name, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null (got: null)");
        }
        if (x.rank() < 2 || x.size(0) == 0) {
            throw new IllegalArgumentException("expected " + name + " [n, ...] with n > 0, got "
                    + Arrays.toString(x.shape()));
        }
    }
}
