package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Width sweeps really run through Arbiter. One three-width, two-seed ReLU sweep (FLOAT, through a user's
 * MultiLayerSpace, models saved by Arbiter's FileModelSaver) is shared by the tests of this class; a two-width, one-seed
 * sweep (DOUBLE, through a width → configuration function) runs in its own test.
 */
class WidthSweepTest extends NtkTestBase {
    static final int STEPS = 100;
    static final double ETA = 0.05;
    static final int[] WIDTHS = {32, 128, 512};
    static final DataSet TRAIN = SweepNets.circle(8, 0.25, DataType.FLOAT);
    static final DataSet TEST = SweepNets.circle(32, 0.5, DataType.FLOAT);

    @TempDir
    static Path dir;
    static SweepResult result;
    static final List<SweepRow> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void sweep() {
        DiscreteParameterSpace<Integer> width = new DiscreteParameterSpace<>(32, 128, 512);
        result = WidthSweep.builder().space(SweepNets.space(width, LossFunctions.LossFunction.MSE), width)
                .data(TRAIN, TEST).steps(STEPS).learningRateScaledByWidth(ETA, 32).seeds(2)
                .saveModels(dir.resolve("models")).onCandidate(progress::add).build().run();
    }

    @Test
    void arbiterGeneratedTrainedScoredAndSavedEveryCandidate() throws Exception {
        assertEquals(6, result.candidatesGenerated());
        assertEquals(6, result.candidatesScored());
        assertEquals(6, result.rows().size());
        assertEquals(6, progress.size());
        Set<String> pairs = new HashSet<>();
        Set<Integer> indices = new HashSet<>();
        for (SweepRow r : result.rows()) {
            pairs.add(r.width() + "/" + r.seed());
            indices.add(r.candidateIndex());
            // Arbiter's FileModelSaver wrote the candidate's score (the drift) and its trained network
            Path saved = dir.resolve("models").resolve(String.valueOf(r.candidateIndex()));
            double arbiterScore = Double.parseDouble(Files.readString(saved.resolve("score.txt"), StandardCharsets.UTF_8));
            assertEquals(r.drift(), arbiterScore, 0.0);
            assertEquals(String.valueOf(STEPS), Files.readString(saved.resolve("numEpochs.txt"), StandardCharsets.UTF_8));
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(saved.resolve("model.bin").toFile(), false);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            assertEquals(r.seed(), conf.getConf(0).getSeed(), "the seed reached the candidate through Arbiter");
            assertEquals(r.width(), net.getLayer(0).getParam("b").length());
            assertEquals(STEPS, net.getIterationCount());
            assertTrue(r.drift() > 0 && r.gap() > 0 && r.testLoss() > 0 && r.lambdaMax() >= r.lambdaMin());
        }
        assertEquals(Set.of("32/1", "32/2", "128/1", "128/2", "512/1", "512/2"), pairs);
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), indices);
    }

    @Test
    void driftFallsWithWidthWithSlopeInRange() {
        double previous = Double.POSITIVE_INFINITY;
        for (int w : WIDTHS) {
            double mean = result.mean(SweepRow::drift, w);
            assertTrue(mean < previous, "mean drift at width " + w + " = " + mean + " not below " + previous);
            previous = mean;
        }
        // measured: about -0.9 (DL4J's standard parameterization, learning rate ~ 1/width); see docs/sweeps.md
        double slope = result.driftSlope().slope();
        assertTrue(slope > -1.3 && slope < -0.3, "drift slope " + slope);
        assertTrue(result.driftSlope().hasInterval());
        assertTrue(result.gapSlope().slope() < -0.2, "gap slope " + result.gapSlope().slope());
    }

    @Test
    void gapAndTestLossAgreeWithLinearizedNetworkAndTrainingByHand() throws Exception {
        SweepRow r = result.rows().stream().filter(x -> x.width() == 128 && x.seed() == 2).findFirst().orElseThrow();
        double lr = ETA * 32 / 128;
        assertEquals(lr, r.learningRate(), 1e-15);
        MultiLayerNetwork net = new MultiLayerNetwork(SweepNets.mlp(128, 2, lr, DataType.FLOAT));
        net.init();
        LinearizedNetwork lin = LinearizedNetwork.of(net).learningRate(lr).build().fit(TRAIN);
        for (int s = 0; s < STEPS; s++) {
            net.fit(TRAIN);
        }
        // the hand-trained network is Arbiter's candidate: same parameters as the model Arbiter saved
        MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(
                dir.resolve("models").resolve(String.valueOf(r.candidateIndex())).resolve("model.bin").toFile(), false);
        assertArrayEquals(saved.params().toFloatVector(), net.params().toFloatVector(), 1e-6f);
        INDArray trained = net.output(TEST.getFeatures(), false).castTo(DataType.DOUBLE);
        INDArray predicted = lin.output(TEST.getFeatures(), STEPS).castTo(DataType.DOUBLE);
        double gap = 0;
        double loss = 0;
        for (int i = 0; i < TEST.numExamples(); i++) {
            double d = trained.getDouble(i, 0) - predicted.getDouble(i, 0);
            double e = trained.getDouble(i, 0) - TEST.getLabels().getDouble(i, 0);
            gap += d * d;
            loss += e * e;
        }
        gap = Math.sqrt(gap / TEST.numExamples());
        loss /= TEST.numExamples();
        assertEquals(gap, r.gap(), 2e-3 * gap);
        assertEquals(loss, r.testLoss(), 2e-3 * loss);
    }

    @Test
    void writesCsvAndPlots() throws Exception {
        List<Path> files = result.write(dir.resolve("out"));
        assertEquals(3, files.size());
        List<String> lines = Files.readAllLines(dir.resolve("out/results.csv"));
        assertEquals(7, lines.size());
        String header = lines.get(0);
        for (String col : new String[]{"width", "seed", "drift", "gap", "test_loss", "lambda_min", "lambda_max", "seconds"}) {
            assertTrue(header.contains(col), header);
        }
        for (String png : new String[]{"drift-vs-width.png", "gap-vs-width.png"}) {
            byte[] b = Files.readAllBytes(dir.resolve("out").resolve(png));
            assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', png);
        }
        String json = result.toJson();
        assertTrue(json.startsWith("{\"drift_slope\":") && json.contains("\"gap_slope\":") && !json.contains("\n"));
    }

    @Test
    void oneSeedDoubleThroughAFunction() {
        DataSet train = SweepNets.circle(6, 0.25, DataType.DOUBLE);
        DataSet test = SweepNets.circle(10, 0.5, DataType.DOUBLE);
        SweepResult r = WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 99, 0.1, DataType.DOUBLE), 16, 64)
                .data(train, test).steps(20).learningRate(0.02).build().run();
        assertEquals(2, r.candidatesScored());
        assertEquals(List.of(16, 64), r.widths());
        for (SweepRow row : r.rows()) {
            assertEquals(1L, row.seed());
            assertEquals(0.02, row.learningRate(), 0);
        }
        SweepRow wide = r.rows().get(1);
        MultiLayerNetwork net = new MultiLayerNetwork(SweepNets.mlp(64, 1, 0.02, DataType.DOUBLE));
        net.init();
        LinearizedNetwork lin = LinearizedNetwork.of(net).build().fit(train);
        for (int s = 0; s < 20; s++) {
            net.fit(train);
        }
        INDArray d = net.output(test.getFeatures(), false).sub(lin.output(test.getFeatures(), 20));
        double gap = Math.sqrt(d.mul(d).meanNumber().doubleValue());
        assertEquals(gap, wide.gap(), 1e-9 * gap);
        assertTrue(Double.isNaN(r.driftSlope().low()), "two points: no interval");
    }
}
