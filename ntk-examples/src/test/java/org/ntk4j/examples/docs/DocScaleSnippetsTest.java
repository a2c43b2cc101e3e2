package org.ntk4j.examples.docs;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The out-of-core kernel snippets of docs/scale.md and docs/file-formats.md, run on a small network; every file is
 * compared with the in-memory kernel {@code EmpiricalNtk.compute}, computed independently of the file writer.
 */
class DocScaleSnippetsTest extends NtkTestBase {
    @TempDir
    Path dir;

    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    @Test
    void scaleOutOfCore() throws Exception {
        MultiLayerNetwork net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 4);
        // snippet:scale-out-of-core
        // net: a network; x: its features [n, d]; dir: a folder
        EmpiricalNtk ntk = EmpiricalNtk.builder().blockSize(512).progress((done, total) -> { }).build();
        KernelFileResult r = ntk.computeToFile(net, x, null, dir.resolve("k.npy"));                  // FLOAT entries
        KernelFileResult d = ntk.computeToFile(net, x, null, dir.resolve("k64.npy"), DataType.DOUBLE); // the network's type
        INDArray rows = ArrayFiles.readNpyBlock(dir.resolve("k.npy"), 0, 2, 0, x.size(0));            // a band, not the rest
        // end
        INDArray k = EmpiricalNtk.builder().build().compute(net, x);
        assertClose(k, ArrayFiles.read(dir.resolve("k64.npy")), 1e-12, "DOUBLE file");
        assertClose(k.castTo(DataType.FLOAT), ArrayFiles.read(dir.resolve("k.npy")), 1e-5, "FLOAT file");
        assertClose(k.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).castTo(DataType.FLOAT), rows, 1e-5, "band");
        assertEquals(DataType.FLOAT, ArrayFiles.read(dir.resolve("k.npy")).dataType());
    }

    @Test
    void fileFormatsKernelFile() throws Exception {
        MultiLayerNetwork net = net();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 9, 4);
        EmpiricalNtk ntk = EmpiricalNtk.builder().blockSize(4).build();
        long r0 = 1, r1 = 6, c0 = 2, c1 = 9;
        // snippet:file-formats-kernel-file
        // ntk: an EmpiricalNtk; net: a network; x: its features; dir: a folder; r0, r1, c0, c1: a block of the kernel
        KernelFileSpec spec = ntk.fileSpec(net, x, null, DataType.FLOAT);        // or new KernelFileSpec(n1, n2, m, type, block, symmetric, fp)
        try (KernelFile f = KernelFile.openOrResume(dir.resolve("k.npy"), spec)) { // new, or continues k.npy.partial
            for (long i = 0; i < spec.rowBlocks(); i++)
                for (long j = spec.symmetric() ? i : 0; j < spec.colBlocks(); j++)
                    if (!f.isDone(i, j))
                        f.writeTile(i, j, ntk.computeTile(net, x, null, i, j)); // [rows·m, cols·m], mirrored when symmetric
            f.finish();                                                          // rename into place, delete the ledger
        }                                                                        // close() without finish(): a checkpoint; the partial file stays
        INDArray block = ArrayFiles.readNpyBlock(dir.resolve("k.npy"), r0, r1, c0, c1); // any block, long offsets, no full read
        // end
        INDArray k = ntk.compute(net, x);
        assertClose(k.castTo(DataType.FLOAT), ArrayFiles.read(dir.resolve("k.npy")), 1e-5, "whole file");
        assertClose(k.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r0, r1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(c0, c1)).castTo(DataType.FLOAT), block, 1e-5, "block");
    }
}
