package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;

/**
 * The Arbiter parameter space of a width sweep: a network space (the user's {@code MultiLayerSpace}, or a width →
 * configuration function over a discrete width space) plus a seed space, whose every value is a
 * {@link DL4JConfiguration} with that seed, full-batch {@code Sgd} at the budget's learning rate for that width, and the
 * budget's steps as epochs. Arbiter's grid generator enumerates its leaves (the width space, the seed space and any
 * other leaf of the user's space) and maps each grid point to a configuration through {@link #getValue(double[])}.
 */
public final class SweepSpace implements ParameterSpace<DL4JConfiguration> {
    private final ParameterSpace<DL4JConfiguration> network;
    private final IntFunction<MultiLayerConfiguration> function;
    private final ParameterSpace<Integer> width;
    private final ParameterSpace<Long> seed;
    private final int steps;
    private final DoubleUnaryOperator learningRate;
    private final DataType dataType;

    /**
     * @param network      the user's space, or null when {@code function} is given
     * @param function     width → configuration, or null when {@code network} is given
     * @param width        the width leaf (inside {@code network}, or the widths of {@code function})
     * @param seed         the seed leaf (a discrete space, or a fixed value for one seed)
     * @param steps        full-batch steps (epochs of one minibatch)
     * @param learningRate width → Sgd learning rate
     * @param dataType     the networks' data type, or null to keep the configuration's
     */
    public SweepSpace(ParameterSpace<DL4JConfiguration> network, IntFunction<MultiLayerConfiguration> function,
                      ParameterSpace<Integer> width, ParameterSpace<Long> seed, int steps, DoubleUnaryOperator learningRate,
                      DataType dataType) {
        this.network = network;
        this.function = function;
        this.width = width;
        this.seed = seed;
        this.steps = steps;
        this.learningRate = learningRate;
        this.dataType = dataType;
    }

    /** @return the width leaf */
    public ParameterSpace<Integer> width() {
        return width;
    }

    /** @return the seed leaf */
    public ParameterSpace<Long> seed() {
        return seed;
    }

    @Override
    public DL4JConfiguration getValue(double[] values) {
        int w = width.getValue(values);
        MultiLayerConfiguration conf = network != null ? network.getValue(values).getMultiLayerConfiguration()
                : function.apply(w).clone();
        return new DL4JConfiguration(apply(conf, seed.getValue(values), learningRate.applyAsDouble(w)), null, steps);
    }

    /**
     * @param conf configuration to change in place
     * @param s    the seed of every layer's initialisation
     * @param eta  the Sgd learning rate of every layer (weights and biases)
     * @return {@code conf}
     */
    MultiLayerConfiguration apply(MultiLayerConfiguration conf, long s, double eta) {
        if (dataType != null) {
            conf.setDataType(dataType);
        }
        for (NeuralNetConfiguration c : conf.getConfs()) {
            c.setSeed(s);
            if (dataType != null) {
                c.setDataType(dataType);
            }
            if (c.getLayer() instanceof BaseLayer bl) {
                bl.setIUpdater(new Sgd(eta));
                bl.setBiasUpdater(null);
            }
        }
        return conf;
    }

    @Override
    public int numParameters() {
        int n = 0;
        for (ParameterSpace<?> p : collectLeaves()) {
            n += p.numParameters();
        }
        return n;
    }

    /**
     * The leaves, those with several grid values first. Arbiter 1.0.0-beta7's grid search numbers every leaf but leaves
     * one-valued dimensions out of the candidate's value array (BaseCandidateGenerator.initialize vs
     * GridSearchCandidateGenerator.indexToValues): a one-valued leaf before a many-valued one would shift the latter's
     * index. Listing them last keeps every index right (a one-valued DiscreteParameterSpace never reads its value).
     */
    @Override
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> all = new ArrayList<>();
        if (network != null) {
            all.addAll(network.collectLeaves());
        } else {
            all.addAll(width.collectLeaves());
        }
        all.addAll(seed.collectLeaves());
        List<ParameterSpace> many = new ArrayList<>();
        List<ParameterSpace> one = new ArrayList<>();
        for (ParameterSpace p : all) {
            (WidthSpaces.gridValues(p) > 1 ? many : one).add(p);
        }
        many.addAll(one);
        return many;
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> m = new LinkedHashMap<>();
        m.put(network != null ? "network" : "width", network != null ? network : width);
        m.put("seed", seed);
        return m;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("SweepSpace is not a leaf");
    }

    @Override
    public String toString() {
        return "SweepSpace(" + (network != null ? network : "function of " + width) + ", seed " + seed + ", " + steps
                + " steps)";
    }
}
