package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.scoring.util.ScoreUtil;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import org.deeplearning4j.optimize.api.TrainingListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Data and outputs for the score functions: Arbiter's two ways of naming data, and the output of either network kind. */
public final class NetData {
    private static final Map<Class<?>, BiFunction<Model, INDArray, INDArray>> OUTPUTS = new LinkedHashMap<>();
    private static final Map<Class<?>, Function<Model, Collection<TrainingListener>>> LISTENERS = new LinkedHashMap<>();

    static {
        LISTENERS.put(MultiLayerNetwork.class, m -> ((MultiLayerNetwork) m).getListeners());
        LISTENERS.put(ComputationGraph.class, m -> ((ComputationGraph) m).getListeners());
        OUTPUTS.put(MultiLayerNetwork.class, (m, x) -> ((MultiLayerNetwork) m).output(x, false));
        OUTPUTS.put(ComputationGraph.class, (m, x) -> ((ComputationGraph) m).outputSingle(false, x));
    }

    private NetData() {
    }

    /** The data of one score: the full set and how many minibatches the iterator served it in. */
    public record Collected(DataSet data, int batches) {
    }

    /**
     * @param provider   Arbiter's data provider
     * @param parameters the candidate's data parameters
     * @param train      training (true) or test (false) data
     * @return the collected data
     */
    public static Collected fromProvider(DataProvider provider, Map<String, Object> parameters, boolean train) {
        if (provider == null) {
            throw new IllegalArgumentException("no data: the Arbiter configuration has neither a DataProvider nor a DataSource");
        }
        return collect(train ? provider.trainData(parameters) : provider.testData(parameters), train);
    }

    /**
     * @param source     Arbiter's data source class (public no-argument constructor)
     * @param properties its properties, or null
     * @param train      training (true) or test (false) data
     * @return the collected data
     */
    public static Collected fromSource(Class<? extends DataSource> source, Properties properties, boolean train) {
        DataSource ds;
        try {
            ds = source.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create the DataSource " + source.getName()
                    + ": it needs a public no-argument constructor (" + e + ")", e);
        }
        if (properties != null) {
            ds.configure(properties);
        }
        return collect(train ? ds.trainData() : ds.testData(), train);
    }

    private static Collected collect(Object data, boolean train) {
        String what = train ? "training" : "test";
        if (data == null) {
            throw new IllegalArgumentException("the " + what + " data is null");
        }
        DataSetIterator it = ScoreUtil.getIterator(data);
        if (it.resetSupported()) {
            it.reset();
        }
        List<DataSet> all = new ArrayList<>();
        while (it.hasNext()) {
            all.add(it.next());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " data iterator returned no data");
        }
        return new Collected(all.size() == 1 ? all.get(0) : DataSet.merge(all), all.size());
    }

    /**
     * @param model a network (any object)
     * @return its DL4J listeners; empty for anything but a MultiLayerNetwork or ComputationGraph
     */
    public static Collection<TrainingListener> listeners(Object model) {
        for (Map.Entry<Class<?>, Function<Model, Collection<TrainingListener>>> e : LISTENERS.entrySet()) {
            if (e.getKey().isInstance(model)) {
                Collection<TrainingListener> ls = e.getValue().apply((Model) model);
                return ls == null ? List.of() : ls;
            }
        }
        return List.of();
    }

    /**
     * @param model a MultiLayerNetwork or a single-output ComputationGraph
     * @param x     features
     * @return the network's output in inference mode
     */
    public static INDArray output(Object model, INDArray x) {
        for (Map.Entry<Class<?>, BiFunction<Model, INDArray, INDArray>> e : OUTPUTS.entrySet()) {
            if (e.getKey().isInstance(model)) {
                return e.getValue().apply((Model) model, x);
            }
        }
        throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph (got: "
                + (model == null ? "null" : model.getClass().getName()) + ")");
    }
}
