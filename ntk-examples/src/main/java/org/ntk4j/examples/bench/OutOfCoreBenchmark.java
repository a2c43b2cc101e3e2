package org.ntk4j.examples.bench;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.dl4j.EmpiricalNtk;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Out-of-core kernel benchmark: the symmetric TRACE NTK of the MLP 32→512→512→1 (ReLU, identity output, FLOAT) at N
 * examples written to a {@code .npy} file tile by tile; then a sample of tiles read back from the file and compared
 * with the in-memory kernel of the same rows and columns. Run it under {@code /usr/bin/time -v} for the peak RSS.
 *
 * <pre>
 * java -Xmx2g -Dorg.bytedeco.javacpp.maxphysicalbytes=6G -cp ntk-examples/target/ntk.jar \
 *     org.ntk4j.examples.bench.OutOfCoreBenchmark 50000 /tmp/k50k.npy [budgetGiB=4] [sampleTiles=6]
 * </pre>
 */
public final class OutOfCoreBenchmark {
    private OutOfCoreBenchmark() {
    }

    /**
     * @param args N, output path, memory budget in GiB (default 4), tiles to check (default 6)
     */
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        double budgetGiB = args.length > 2 ? Double.parseDouble(args[2]) : 4;
        int samples = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        MultiLayerNetwork net = mlp();
        INDArray x = Nd4j.randn(new Random(7).nextLong(), new long[]{n, 32}).castTo(DataType.FLOAT);
        long[] last = {System.nanoTime()};
        long start = System.nanoTime();
        EmpiricalNtk ntk = EmpiricalNtk.builder().blockSize(512).memoryBudgetBytes((long) (budgetGiB * (1L << 30)))
                .progress((done, total) -> {
                    long now = System.nanoTime();
                    if (now - last[0] > 15e9 || done == total) {
                        last[0] = now;
                        double s = (now - start) / 1e9;
                        System.err.printf(Locale.ROOT, "  %d/%d tiles, %.0f s, ETA %.0f s%n", done, total, s,
                                s / done * (total - done));
                    }
                }).build();
        KernelFileResult r = ntk.computeToFile(net, x, null, out);
        System.out.printf(Locale.ROOT, "N=%d: %s %s, %d tiles computed, %d resumed, %.1f s%n", n,
                java.util.Arrays.toString(r.spec().shape()), r.spec().descr(), r.tilesComputed(), r.tilesResumed(),
                r.seconds());
        Random pick = new Random(11);
        long blocks = r.spec().rowBlocks();
        EmpiricalNtk check = EmpiricalNtk.builder().blockSize(512).build();
        double worst = 0;
        for (int s = 0; s < samples; s++) {
            long bi = s == 0 ? 0 : s == 1 ? blocks - 1 : pick.nextInt((int) blocks);
            long bj = s == 1 ? 0 : s == 0 ? blocks - 1 : pick.nextInt((int) blocks);
            long i0 = bi * 512, i1 = Math.min(n, i0 + 512), j0 = bj * 512, j1 = Math.min(n, j0 + 512);
            INDArray file = ArrayFiles.readNpyBlock(out, i0, i1, j0, j1);
            // the in-memory kernel of the same rows and columns; below the diagonal, the mirror of the tile above it
            INDArray mem = bi <= bj ? check.computeTile(net, x, null, bi, bj)
                    : check.computeTile(net, x, null, bj, bi).transpose();
            double d = file.sub(mem).amaxNumber().doubleValue() / mem.amaxNumber().doubleValue();
            worst = Math.max(worst, d);
            System.out.printf(Locale.ROOT, "  tile (%d, %d): max |file - in-memory| / max |in-memory| = %.3g%n", bi, bj, d);
        }
        System.out.printf(Locale.ROOT, "sample of %d tiles: largest relative difference %.3g%n", samples, worst);
    }

    static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
                .dataType(DataType.FLOAT).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(32).nOut(512).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(512).nOut(512).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(512).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }
}
