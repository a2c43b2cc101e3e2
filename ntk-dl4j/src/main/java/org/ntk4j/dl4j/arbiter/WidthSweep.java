package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ntk4j.dl4j.arbiter.internal.SweepRun;
import org.ntk4j.dl4j.arbiter.internal.SweepSpace;
import org.ntk4j.dl4j.arbiter.internal.WidthSpaces;
import org.ntk4j.dl4j.internal.Checks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;

/**
 * A width sweep on Arbiter: "how wide before the kernel picture holds?". Arbiter's {@code LocalOptimizationRunner}
 * runs a grid search whose dimensions are the widths and the seeds; Arbiter generates every candidate configuration,
 * trains it for the budget (full-batch {@code Sgd}), scores it with {@link NtkDriftScoreFunction} (the other scores —
 * {@link LinearizationGapScoreFunction}, the test loss — are computed on the same trained network in the same scoring
 * call) and saves it through an Arbiter {@code ResultSaver}. The table is built from Arbiter's results.
 *
 * <pre>{@code
 * IntegerParameterSpace width = new IntegerParameterSpace(64, 1024);        // or new DiscreteParameterSpace<>(64, 256, 1024)
 * MultiLayerSpace space = new MultiLayerSpace.Builder()
 *         .weightInit(WeightInit.NORMAL)
 *         .addLayer(new DenseLayerSpace.Builder().nIn(2).nOut(width).activation(Activation.RELU).build())
 *         .addLayer(new OutputLayerSpace.Builder().nOut(1).activation(Activation.IDENTITY)
 *                 .lossFunction(LossFunctions.LossFunction.MSE).build())
 *         .build();
 * SweepResult r = WidthSweep.builder()
 *         .space(space, width)
 *         .data(trainSet, testSet)                  // full batches; or a DataProvider / DataSource
 *         .steps(200).learningRateScaledByWidth(0.5, 64)
 *         .seeds(2)
 *         .build()
 *         .run();
 * r.write(Path.of("out/sweep"));                    // results.csv, drift-vs-width.png, gap-vs-width.png
 * }</pre>
 *
 * <p>What the sweep changes in each generated configuration: the seed (every layer), the updater ({@code Sgd} at the
 * budget's learning rate for that width, weights and biases), the number of epochs (= steps: the data is served as one
 * minibatch) and, when asked, the data type. Everything else is the user's space or function.
 */
public final class WidthSweep {
    private final SweepSpace space;
    private final List<Integer> widths;
    private final DataProvider provider;
    private final Class<? extends DataSource> source;
    private final Properties sourceProperties;
    private final org.nd4j.linalg.api.ndarray.INDArray probe;
    private final boolean gap;
    private final double confidence;
    private final Path modelDirectory;
    private final Consumer<SweepRow> onCandidate;
    private final DoubleUnaryOperator learningRate;

    private WidthSweep(Builder b, SweepSpace space, List<Integer> widths) {
        this.space = space;
        this.widths = List.copyOf(widths);
        this.provider = b.provider;
        this.source = b.source;
        this.sourceProperties = b.sourceProperties;
        this.probe = b.probe;
        this.gap = b.gap;
        this.confidence = b.confidence;
        this.modelDirectory = b.modelDirectory;
        this.onCandidate = b.onCandidate;
        this.learningRate = b.learningRate;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the widths of the grid, in Arbiter's grid order */
    public List<Integer> widths() {
        return widths;
    }

    /**
     * Runs the sweep: Arbiter generates, trains, scores and saves every candidate, one at a time. Progress: one SLF4J
     * INFO line per finished candidate (logger {@code org.ntk4j.dl4j.arbiter.WidthSweep}) and the
     * {@link Builder#onCandidate(Consumer)} callback.
     *
     * @return the results table and the fitted slopes
     * @throws IllegalArgumentException when the data does not fit the networks, or a loss is not MSE with the gap on
     * @throws IllegalStateException    when a candidate failed in Arbiter (the message has its first line)
     */
    public SweepResult run() {
        if (modelDirectory != null) {
            try { // Arbiter's FileModelSaver creates one folder per candidate with File.mkdir (no parents)
                java.nio.file.Files.createDirectories(modelDirectory);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("WidthSweep: cannot create " + modelDirectory + ": " + e.getMessage(), e);
            }
        }
        ResultSaver saver = modelDirectory == null ? new org.deeplearning4j.arbiter.optimize.api.saving.InMemoryResultSaver()
                : new org.deeplearning4j.arbiter.saver.local.FileModelSaver(modelDirectory.toFile());
        return new SweepRun(space, provider, source, sourceProperties, probe, gap, saver, learningRate, onCandidate)
                .run(confidence);
    }

    /**
     * Validated builder of {@link WidthSweep}. Required: a network ({@link #space} or {@link #configuration}), data,
     * {@link #steps}, a learning rate. Defaults: one seed (1), the gap on, 95 % intervals, models kept in memory.
     */
    public static final class Builder {
        private MultiLayerSpace multiLayerSpace;
        private ParameterSpace<?> widthSpace;
        private IntFunction<MultiLayerConfiguration> function;
        private int[] functionWidths;
        private DataProvider provider;
        private Class<? extends DataSource> source;
        private Properties sourceProperties;
        private org.nd4j.linalg.api.ndarray.INDArray probe;
        private int steps;
        private DoubleUnaryOperator learningRate;
        private long[] seeds = {1L};
        private boolean gap = true;
        private double confidence = 0.95;
        private DataType dataType;
        private Path modelDirectory;
        private Consumer<SweepRow> onCandidate;

        private Builder() {
        }

        /**
         * @param space      the user's network space; some layer's width must be {@code widthSpace}
         * @param widthSpace an {@code IntegerParameterSpace} (Arbiter's grid takes 5 evenly spaced widths of its range)
         *                   or a {@code DiscreteParameterSpace<Integer>} (every listed width)
         * @return this
         */
        public Builder space(MultiLayerSpace space, ParameterSpace<?> widthSpace) {
            this.multiLayerSpace = Checks.notNull("space", space);
            this.widthSpace = Checks.notNull("widthSpace", widthSpace);
            return this;
        }

        /**
         * @param widthToConfiguration width → a MultiLayerConfiguration (called by Arbiter for each candidate)
         * @param widths               the widths, at least two
         * @return this
         */
        public Builder configuration(IntFunction<MultiLayerConfiguration> widthToConfiguration, int... widths) {
            this.function = Checks.notNull("widthToConfiguration", widthToConfiguration);
            this.functionWidths = Checks.notNull("widths", widths).clone();
            return this;
        }

        /**
         * @param train training set (served as one minibatch: one epoch = one full-batch step)
         * @param test  held-out set for the gap and the test loss
         * @return this
         */
        public Builder data(DataSet train, DataSet test) {
            this.provider = FullBatchData.of(train, test);
            return this;
        }

        /**
         * @param train training minibatches, collected into one full batch
         * @param test  held-out minibatches, collected
         * @return this
         */
        public Builder data(DataSetIterator train, DataSetIterator test) {
            this.provider = FullBatchData.of(train, test);
            return this;
        }

        /**
         * @param dataProvider an Arbiter data provider (for the gap it must serve the training set as one minibatch)
         * @return this
         */
        public Builder data(DataProvider dataProvider) {
            this.provider = Checks.notNull("dataProvider", dataProvider);
            return this;
        }

        /**
         * @param dataSource Arbiter data source class (public no-argument constructor)
         * @param properties its properties, or null
         * @return this
         */
        public Builder dataSource(Class<? extends DataSource> dataSource, Properties properties) {
            this.source = Checks.notNull("dataSource", dataSource);
            this.sourceProperties = properties;
            return this;
        }

        /**
         * @param probeFeatures examples the NTK is measured on (default: the first 256 training examples)
         * @return this
         */
        public Builder probe(org.nd4j.linalg.api.ndarray.INDArray probeFeatures) {
            this.probe = Checks.notNull("probeFeatures", probeFeatures).dup();
            return this;
        }

        /**
         * @param steps full-batch Sgd steps per candidate, ≥ 1
         * @return this
         */
        public Builder steps(int steps) {
            this.steps = Checks.atLeastOne("WidthSweep: steps", steps);
            return this;
        }

        /**
         * @param eta the same Sgd learning rate for every width, &gt; 0
         * @return this
         */
        public Builder learningRate(double eta) {
            double e = positiveRate(eta);
            this.learningRate = w -> e;
            return this;
        }

        /**
         * The rate {@code η · referenceWidth / width}: DL4J's standard parameterization makes the NTK grow linearly
         * with width, so a constant rate diverges at large widths; this keeps {@code η · λmax} about constant.
         *
         * @param eta            the learning rate at {@code referenceWidth}, &gt; 0
         * @param referenceWidth ≥ 1
         * @return this
         */
        public Builder learningRateScaledByWidth(double eta, int referenceWidth) {
            double e = positiveRate(eta);
            int ref = Checks.atLeastOne("referenceWidth", referenceWidth);
            this.learningRate = w -> e * ref / w;
            return this;
        }

        private static double positiveRate(double eta) {
            if (!(eta > 0) || Double.isInfinite(eta)) {
                throw new IllegalArgumentException("WidthSweep: the learning rate must be > 0 and finite (got: " + eta + ")");
            }
            return eta;
        }

        /**
         * @param count seeds per width, ≥ 1: the seeds 1, 2, …, count
         * @return this
         */
        public Builder seeds(int count) {
            Checks.atLeastOne("WidthSweep: seeds", count);
            long[] s = new long[count];
            for (int i = 0; i < count; i++) {
                s[i] = i + 1L;
            }
            this.seeds = s;
            return this;
        }

        /**
         * @param explicitSeeds the seeds, at least one, distinct
         * @return this
         */
        public Builder seedValues(long... explicitSeeds) {
            if (explicitSeeds == null || explicitSeeds.length == 0
                    || Arrays.stream(explicitSeeds).distinct().count() != explicitSeeds.length) {
                throw new IllegalArgumentException("WidthSweep: seeds must be at least one distinct value (got: "
                        + Arrays.toString(explicitSeeds) + ")");
            }
            this.seeds = explicitSeeds.clone();
            return this;
        }

        /**
         * @param on compute the linearization gap (needs LossMSE and Sgd; default true)
         * @return this
         */
        public Builder linearizationGap(boolean on) {
            this.gap = on;
            return this;
        }

        /**
         * @param level of the slope intervals, in (0, 1) (default 0.95)
         * @return this
         */
        public Builder confidence(double level) {
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException("WidthSweep: confidence must be in (0, 1) (got: " + level + ")");
            }
            this.confidence = level;
            return this;
        }

        /**
         * @param type the networks' data type (default: the configuration's, FLOAT for a MultiLayerSpace)
         * @return this
         */
        public Builder dataType(DataType type) {
            Checks.notNull("dataType", type);
            if (!type.isFPType()) {
                throw new IllegalArgumentException("WidthSweep: dataType must be a floating point type (got: " + type + ")");
            }
            this.dataType = type;
            return this;
        }

        /**
         * @param directory save every trained candidate there with Arbiter's {@code FileModelSaver} (default: Arbiter's
         *                  {@code InMemoryResultSaver})
         * @return this
         */
        public Builder saveModels(Path directory) {
            this.modelDirectory = Checks.notNull("directory", directory);
            return this;
        }

        /**
         * @param callback called with each candidate's row when Arbiter has scored it (on Arbiter's task thread)
         * @return this
         */
        public Builder onCandidate(Consumer<SweepRow> callback) {
            this.onCandidate = Checks.notNull("callback", callback);
            return this;
        }

        /**
         * @return the sweep
         * @throws IllegalArgumentException for a missing or bad part of the specification, in one line
         */
        public WidthSweep build() {
            if ((multiLayerSpace == null) == (function == null)) {
                throw new IllegalArgumentException("WidthSweep: give exactly one network: space(MultiLayerSpace, widthSpace)"
                        + " or configuration(width -> MultiLayerConfiguration, widths...)");
            }
            if (provider == null && source == null) {
                throw new IllegalArgumentException("WidthSweep: no data: call data(train, test), data(DataProvider) or"
                        + " dataSource(Class, Properties)");
            }
            if (provider != null && source != null) {
                throw new IllegalArgumentException("WidthSweep: give either a DataProvider or a DataSource, not both");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("WidthSweep: set steps(n) with n >= 1 (got: " + steps + ")");
            }
            if (learningRate == null) {
                throw new IllegalArgumentException("WidthSweep: set learningRate(eta) or learningRateScaledByWidth(eta, width)");
            }
            ParameterSpace<Integer> width;
            ParameterSpace<DL4JConfiguration> network = null;
            if (function != null) {
                if (functionWidths.length == 0) {
                    throw new IllegalArgumentException("WidthSweep: the width list is empty (got: [])");
                }
                List<Integer> ws = new ArrayList<>();
                for (int w : functionWidths) {
                    ws.add(w);
                }
                if (ws.stream().distinct().count() != ws.size()) {
                    throw new IllegalArgumentException("WidthSweep: widths must be distinct (got: " + ws + ")");
                }
                width = new DiscreteParameterSpace<>(ws);
            } else {
                WidthSpaces.widths(widthSpace);
                if (!WidthSpaces.contains(multiLayerSpace, widthSpace)) {
                    throw new IllegalArgumentException("WidthSweep: the width space " + widthSpace + " is not used by the"
                            + " MultiLayerSpace: pass the same object to a layer's nOut(...)");
                }
                WidthSpaces.checkLeaves(multiLayerSpace);
                @SuppressWarnings("unchecked")
                ParameterSpace<Integer> w = (ParameterSpace<Integer>) widthSpace;
                width = w;
                network = multiLayerSpace;
            }
            List<Integer> widths = WidthSpaces.widths(width);
            ParameterSpace<Long> seed;
            if (seeds.length == 1) {
                seed = new FixedValue<>(seeds[0]);
            } else {
                Long[] boxed = Arrays.stream(seeds).boxed().toArray(Long[]::new);
                seed = new DiscreteParameterSpace<>(boxed);
            }
            SweepSpace space = new SweepSpace(network, function, width, seed, steps, learningRate, dataType);
            return new WidthSweep(this, space, widths);
        }
    }
}
