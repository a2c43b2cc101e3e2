package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultReference;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.deeplearning4j.arbiter.task.MultiLayerNetworkTaskCreator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.ntk4j.dl4j.arbiter.CandidateSummary;
import org.ntk4j.dl4j.arbiter.NtkScoreFunctions;
import org.ntk4j.dl4j.arbiter.NtkTaskListener;
import org.ntk4j.dl4j.arbiter.SlopeFit;
import org.ntk4j.dl4j.arbiter.SweepResult;
import org.ntk4j.dl4j.arbiter.SweepRow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;

/** One execution of a width sweep on Arbiter's LocalOptimizationRunner (see WidthSweep). */
public final class SweepRun {
    /** Score names in the candidate state. */
    public static final String DRIFT = "drift";
    /** The gap's name. */
    public static final String GAP = "gap";
    /** The test loss's name. */
    public static final String TEST_LOSS = "test_loss";
    private static final int MAX_PROBE = 256;

    private final SweepSpace space;
    private final DataProvider provider;
    private final Class<? extends DataSource> source;
    private final Properties sourceProperties;
    private final INDArray probe;
    private final boolean gap;
    private final ResultSaver saver;
    private final DoubleUnaryOperator learningRate;
    private final Consumer<SweepRow> onCandidate;
    private NtkTaskListener task;

    /**
     * @param space            the candidate space
     * @param provider         data provider, or null
     * @param source           data source, or null
     * @param sourceProperties its properties
     * @param probe            probe features, or null for the training features
     * @param gap              compute the linearization gap
     * @param saver            Arbiter's result saver
     * @param learningRate     width → learning rate (for the table)
     * @param onCandidate      progress callback, or null
     */
    public SweepRun(SweepSpace space, DataProvider provider, Class<? extends DataSource> source, Properties sourceProperties,
                    INDArray probe, boolean gap, ResultSaver saver, DoubleUnaryOperator learningRate,
                    Consumer<SweepRow> onCandidate) {
        this.space = space;
        this.provider = provider;
        this.source = source;
        this.sourceProperties = sourceProperties;
        this.probe = probe;
        this.gap = gap;
        this.saver = saver;
        this.learningRate = learningRate;
        this.onCandidate = onCandidate;
    }

    /**
     * @param confidence of the slope intervals
     * @return the results
     */
    public SweepResult run(double confidence) {
        GridSearchCandidateGenerator generator = new GridSearchCandidateGenerator(space, WidthSpaces.INTEGER_GRID,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        int total = generator.getTotalNumCandidates();
        DataAccess data = provider != null ? DataAccess.of(provider, null) : DataAccess.of(source, sourceProperties);
        NetData.Collected train = data.train();
        INDArray x = probe != null ? probe : train.data().getFeatures();
        if (x.size(0) > MAX_PROBE) {
            x = x.get(NDArrayIndex.interval(0, MAX_PROBE), NDArrayIndex.all()).dup();
        }
        checkFirstCandidate(x, data);
        task = NtkTaskListener.builder(x).build();
        LinkedHashMap<String, ScoreFunction> scores = new LinkedHashMap<>();
        scores.put(DRIFT, NtkScoreFunctions.drift());
        if (gap) {
            scores.put(GAP, NtkScoreFunctions.linearizationGap());
        }
        scores.put(TEST_LOSS, NtkScoreFunctions.testLoss());
        OptimizationConfiguration.Builder cb = new OptimizationConfiguration.Builder().candidateGenerator(generator)
                .scoreFunction(new SweepScoreFunction(scores)).modelSaver(saver)
                .terminationConditions(new MaxCandidatesCondition(total));
        if (provider != null) {
            cb.dataProvider(provider);
        } else {
            cb.dataSource(source, sourceProperties);
        }
        LocalOptimizationRunner runner = new LocalOptimizationRunner(1, cb.build(),
                new MultiLayerNetworkTaskCreator(null, task));
        runner.addListeners(new ProgressLog<SweepRow>(total,
                info -> row(info.getIndex(), info.getFlatParams(), info.getScore()), onCandidate));
        runner.execute();
        if (runner.numCandidatesFailed() > 0 || runner.getResults().size() != total) {
            String why = "unknown error";
            for (CandidateInfo ci : runner.getCandidateStatus()) {
                if (ci.getCandidateStatus() == CandidateStatus.Failed) {
                    why = "candidate " + ci.getIndex() + " " + describe(ci.getFlatParams()) + ": "
                            + ProgressLog.firstLine(ci.getExceptionStackTrace());
                    break;
                }
            }
            throw new IllegalStateException("WidthSweep: " + (total - runner.getResults().size()) + " of " + total
                    + " candidates failed in Arbiter; " + why);
        }
        List<SweepRow> rows = new ArrayList<>();
        for (ResultReference ref : runner.getResults()) {
            OptimizationResult r;
            try {
                r = ref.getResult();
            } catch (IOException e) {
                throw new UncheckedIOException("WidthSweep: cannot read Arbiter's result: " + e.getMessage(), e);
            }
            rows.add(row(r.getIndex(), r.getCandidate().getFlatParameters(), r.getScore()));
        }
        for (SweepRow row : rows) {
            if (!Double.isFinite(row.drift()) || !Double.isFinite(row.testLoss()) || (gap && !Double.isFinite(row.gap()))) {
                throw new IllegalStateException("WidthSweep: candidate " + row.candidateIndex() + " (width " + row.width()
                        + ", seed " + row.seed() + ", learning rate " + row.learningRate() + ") diverged: drift "
                        + row.drift() + ", gap " + row.gap() + ", test loss " + row.testLoss()
                        + "; lower the learning rate");
            }
        }
        SlopeFit drift = fit(rows, true, confidence);
        SlopeFit g = gap ? fit(rows, false, confidence) : null;
        return new SweepResult(rows, drift, g, total, runner.getResults().size());
    }

    private String describe(double[] flat) {
        try {
            return "(width " + space.width().getValue(flat) + ", seed " + space.seed().getValue(flat) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private SweepRow row(int index, double[] flat, Double score) {
        int w = space.width().getValue(flat);
        long s = space.seed().getValue(flat);
        CandidateSummary cs = task.summary(index).orElseThrow(() -> new IllegalStateException(
                "WidthSweep: Arbiter scored candidate " + index + " but the NtkTaskListener has no summary of it"));
        double drift = score != null ? score : Double.NaN;
        return new SweepRow(index, w, s, learningRate.applyAsDouble(w), drift,
                cs.scores().getOrDefault(GAP, Double.NaN), cs.scores().getOrDefault(TEST_LOSS, Double.NaN),
                cs.lambdaMin(), cs.lambdaMax(), cs.seconds());
    }

    private static SlopeFit fit(List<SweepRow> rows, boolean drift, double confidence) {
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i).width();
            y[i] = drift ? rows.get(i).drift() : rows.get(i).gap();
        }
        try {
            return SlopeFit.logLog(x, y, confidence);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("WidthSweep: cannot fit the " + (drift ? "drift" : "gap") + " slope: "
                    + e.getMessage(), e);
        }
    }

    /** Builds the narrowest candidate once (not trained) to refuse a bad specification before Arbiter starts. */
    private void checkFirstCandidate(INDArray x, DataAccess data) {
        double[] zeros = new double[space.numParameters()];
        DL4JConfiguration first;
        try {
            first = space.getValue(zeros);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("WidthSweep: the space does not give a configuration: " + e.getMessage(), e);
        }
        MultiLayerConfiguration conf = first.getMultiLayerConfiguration();
        Layer last = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (gap) {
            if (!(last instanceof BaseOutputLayer ol) || !(ol.getLossFn() instanceof LossMSE)) {
                String got = last instanceof BaseOutputLayer ol2 ? String.valueOf(ol2.getLossFn())
                        : last.getClass().getSimpleName();
                throw new IllegalArgumentException("WidthSweep: the linearization gap needs an output layer with LossMSE"
                        + " (got: " + got + "); use linearizationGap(false) for other losses");
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        try {
            net.output(x, false);
            net.output(data.test().data().getFeatures(), false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("WidthSweep: the data does not fit the network: " + e.getMessage(), e);
        }
    }
}
