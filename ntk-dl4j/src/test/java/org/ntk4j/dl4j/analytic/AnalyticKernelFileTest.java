package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AnalyticKernelFile}: the infinite-width kernels written tile by tile equal the in-memory kernels of
 * {@link AnalyticKernel#compute} (the reference: one call over all examples, its own tiles and mirroring), dense
 * (closed-form ReLU and the error-controlled tanh rule) and convolutional, symmetric and rectangular, FLOAT and DOUBLE;
 * an interrupted run resumes to the same bytes; another kernel's partial file is refused untouched.
 */
class AnalyticKernelFileTest extends NtkTestBase {
    private static final int N = 37;
    private static final int BLOCK = 8;

    @TempDir
    Path dir;

    private static AnalyticKernel dense(Activation hidden) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(16).activation(hidden).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        return AnalyticKernels.of(conf);
    }

    private static AnalyticKernelFile.Builder writer(AnalyticKernel k) {
        // a budget that one tile fits but the whole kernel does not
        return AnalyticKernelFile.builder(k).blockSize(BLOCK).memoryBudget(MemoryBudget.ofBytes(12_000));
    }

    @Test
    void theFileEqualsTheInMemoryKernel() {
        for (Activation act : new Activation[]{Activation.RELU, Activation.TANH}) {
            AnalyticKernel k = dense(act);
            for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
                INDArray x = randn(type, 5, N, 3), x2 = randn(type, 6, 21, 3);
                assertThrows(MemoryBudgetExceededException.class, () -> k.withTileSize(BLOCK)
                        .withMemoryBudget(MemoryBudget.ofBytes(12_000)).compute(x, null));
                KernelPair sym = k.withTileSize(BLOCK).compute(x, null), rect = k.withTileSize(BLOCK).compute(x, x2);
                for (AnalyticKernelFile.Kind kind : AnalyticKernelFile.Kind.values()) {
                    Path out = dir.resolve(act + "-" + type + "-" + kind + ".npy");
                    AnalyticKernelFile.Result r = writer(k).kernel(kind).build().computeToFile(x, null, out,
                            DataType.DOUBLE);
                    assertEquals(15, r.file().tilesComputed());   // 5 row blocks: 5·6/2 tiles on and above the diagonal
                    INDArray expected = kind == AnalyticKernelFile.Kind.NTK ? sym.ntk() : sym.nngp();
                    assertClose(expected.castTo(DataType.DOUBLE), ArrayFiles.read(out), type);
                    if (act == Activation.RELU) {
                        assertEquals(0.0, r.errorEstimate());        // closed forms only
                    } else {
                        assertTrue(r.errorEstimate() > 0 && r.errorEstimate() <= 1e-6, "" + r.errorEstimate());
                    }
                    Path rf = dir.resolve("rect-" + act + "-" + type + "-" + kind + ".npy");
                    writer(k).kernel(kind).build().computeToFile(x, x2, rf, DataType.FLOAT);
                    INDArray re = kind == AnalyticKernelFile.Kind.NTK ? rect.ntk() : rect.nngp();
                    INDArray got = ArrayFiles.read(rf);
                    assertEquals(DataType.FLOAT, got.dataType());
                    assertClose(re.castTo(DataType.FLOAT).castTo(DataType.DOUBLE), got.castTo(DataType.DOUBLE), type);
                }
            }
        }
    }

    @Test
    void aConvolutionalKernelIsWrittenTileByTile() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 1)).build();
        AnalyticKernel k = AnalyticKernels.of(conf);
        INDArray x = randn(DataType.DOUBLE, 7, 11, 1, 5, 5);
        Path out = dir.resolve("conv.npy");
        AnalyticKernelFile.Result r = AnalyticKernelFile.builder(k).blockSize(4).build().computeToFile(x, null, out,
                DataType.DOUBLE);
        assertEquals(6, r.file().tilesComputed());
        assertClose(k.withTileSize(4).compute(x, null).ntk(), ArrayFiles.read(out), DataType.DOUBLE);
    }

    @Test
    void anInterruptedRunResumesToTheSameFileAndAnotherKernelIsRefused() throws IOException {
        AnalyticKernel k = dense(Activation.TANH);
        INDArray x = randn(DataType.FLOAT, 8, N, 3);
        Path whole = dir.resolve("whole.npy"), out = dir.resolve("cut.npy");
        writer(k).build().computeToFile(x, null, whole, DataType.FLOAT);
        RuntimeException stop = new RuntimeException("interrupted");
        AnalyticKernelFile interrupted = writer(k).progress((done, total) -> {
            if (done == 6) {
                throw stop;
            }
        }).build();
        assertEquals(stop, assertThrows(RuntimeException.class, () -> interrupted.computeToFile(x, null, out,
                DataType.FLOAT)));
        assertFalse(Files.exists(out));
        Path partial = KernelFile.partialPath(out);
        assertTrue(Files.exists(partial) && Files.exists(KernelFile.ledgerPath(out)));
        byte[] before = Files.readAllBytes(partial);

        // the NNGP, other features or another architecture in the resume position: refused, nothing touched
        for (AnalyticKernelFile other : new AnalyticKernelFile[]{writer(k).kernel(AnalyticKernelFile.Kind.NNGP).build(),
                writer(dense(Activation.RELU)).build()}) {
            ArrayFormatException e = assertThrows(ArrayFormatException.class,
                    () -> other.computeToFile(x, null, out, DataType.FLOAT));
            assertTrue(e.getMessage().contains("records another kernel"), e.getMessage());
        }
        INDArray y = x.dup();
        y.putScalar(N - 1, 2, 0.25);
        assertThrows(ArrayFormatException.class, () -> writer(k).build().computeToFile(y, null, out, DataType.FLOAT));
        assertArrayEquals(before, Files.readAllBytes(partial));

        long[] last = new long[1];
        AnalyticKernelFile.Result r = writer(k).progress((done, total) -> last[0] = done).build()
                .computeToFile(x, null, out, DataType.FLOAT);
        assertEquals(6, r.file().tilesResumed());
        assertEquals(15 - 6, r.file().tilesComputed());
        assertEquals(15, last[0]);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
        assertEquals(writer(k).build().fileSpec(x, null, DataType.FLOAT), r.file().spec());
    }

    @Test
    void tileWorkOverTheBudgetIsRefusedBeforeAnyFileExists() {
        Path out = dir.resolve("none.npy");
        INDArray x = randn(DataType.DOUBLE, 9, N, 3);
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class, () -> AnalyticKernelFile
                .builder(dense(Activation.RELU)).blockSize(BLOCK).memoryBudget(MemoryBudget.ofBytes(1000)).build()
                .computeToFile(x, null, out, DataType.FLOAT));
        assertTrue(e.getMessage().contains("use a smaller blockSize"), e.getMessage());
        assertFalse(Files.exists(out) || Files.exists(KernelFile.partialPath(out))
                || Files.exists(KernelFile.ledgerPath(out)));
    }

    /** Equal to the reference: bit for bit in DOUBLE inputs, to FLOAT input rounding otherwise. */
    private static void assertClose(INDArray expected, INDArray got, DataType inputType) {
        assertArrayEquals(expected.shape(), got.shape());
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.castTo(DataType.DOUBLE).sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= (inputType == DataType.DOUBLE ? 1e-13 : 1e-6) * scale, "max diff " + diff + " of " + scale);
    }
}
