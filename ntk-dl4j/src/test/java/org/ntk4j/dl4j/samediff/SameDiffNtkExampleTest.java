package org.ntk4j.dl4j.samediff;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the example of docs/samediff.md (keep the two in sync). */
class SameDiffNtkExampleTest extends NtkTestBase {

    @Test
    void documentedExampleRuns() {
        // snippet:samediff-page
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", DataType.DOUBLE, -1, 3);
        SDVariable y = sd.placeHolder("label", DataType.DOUBLE, -1, 2);
        SDVariable w1 = sd.var("w1", Nd4j.randn(DataType.DOUBLE, 3, 64).divi(Math.sqrt(3)));
        SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.DOUBLE, 64));
        SDVariable h = sd.math.tanh(sd.nn.biasAdd(x.mmul(w1), b1, true));
        SDVariable gain = sd.var("gain", Nd4j.ones(DataType.DOUBLE, 64));      // no structured rule: exact path
        SDVariable w2 = sd.var("w2", Nd4j.randn(DataType.DOUBLE, 64, 2).divi(8));
        SDVariable out = h.mul(gain).mmul("output", w2);
        sd.loss.meanSquaredError("loss", y, out, null);

        INDArray x1 = Nd4j.randn(DataType.DOUBLE, 5, 3);
        INDArray x2 = Nd4j.randn(DataType.DOUBLE, 4, 3);

        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output")
                .outputMode(OutputMode.FULL)      // [n1, n2, o, o]; TRACE (default) gives [n1, n2]
                .blockSize(256)                   // examples per tile
                .build();
        INDArray k12 = ntk.compute(x1, x2);       // [5, 4, 2, 2]
        INDArray k11 = ntk.compute(x1);           // [5, 5, 2, 2]
        List<String> structured = ntk.structuredParameters();   // w1, b1, w2
        List<String> exact = ntk.exactParameters();             // gain

        // track the NTK of 8 probe points while training
        INDArray features = Nd4j.randn(DataType.DOUBLE, 32, 3);
        INDArray labels = Transforms.sin(features.getColumns(0, 1), true);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.1))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
        SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"),
                        features.getRows(0, 1, 2, 3, 4, 5, 6, 7))
                .everyNIterations(5)
                .build();
        sd.setListeners(listener);
        for (int epoch = 0; epoch < 20; epoch++) {
            sd.fit(new DataSet(features, labels));
        }
        for (NtkSnapshot s : listener.history()) {              // the same records as NtkListener's
            System.err.printf("iteration %3d  drift %.4f  trace %.3f  eff. rank %.2f  max stable lr %.3f%n",
                    s.iteration(), s.drift(), s.trace(), s.effectiveRank(), s.maxStableLearningRate());
        }
        // end

        assertArrayEquals(new long[]{5, 4, 2, 2}, k12.shape());
        assertArrayEquals(new long[]{5, 5, 2, 2}, k11.shape());
        assertEquals(Set.of("w1", "b1", "w2"), Set.copyOf(structured));
        assertEquals(List.of("gain"), exact);
        assertEquals(5, listener.history().size());
        assertTrue(listener.history().get(4).drift() > 0);
    }
}
