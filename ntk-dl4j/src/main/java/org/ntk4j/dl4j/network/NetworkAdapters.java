package org.ntk4j.dl4j.network;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ntk4j.dl4j.network.internal.ComputationGraphAdapter;
import org.ntk4j.dl4j.network.internal.MultiLayerNetworkAdapter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The one place that maps a DL4J model to its {@link NetworkAdapter}. */
public final class NetworkAdapters {
    private static final Map<Class<?>, Function<Model, NetworkAdapter>> ADAPTERS = new LinkedHashMap<>();

    static {
        ADAPTERS.put(MultiLayerNetwork.class, m -> new MultiLayerNetworkAdapter((MultiLayerNetwork) m));
        ADAPTERS.put(ComputationGraph.class, m -> new ComputationGraphAdapter((ComputationGraph) m));
    }

    private NetworkAdapters() {
    }

    /**
     * @param model a MultiLayerNetwork or ComputationGraph (or a subclass)
     * @return its adapter
     * @throws IllegalArgumentException for any other model
     */
    public static NetworkAdapter of(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        for (Map.Entry<Class<?>, Function<Model, NetworkAdapter>> e : ADAPTERS.entrySet()) {
            if (e.getKey().isInstance(model)) {
                return e.getValue().apply(model);
            }
        }
        throw new IllegalArgumentException("unsupported model type " + model.getClass().getName()
                + ": ntk4j supports MultiLayerNetwork and ComputationGraph (for SameDiff use SameDiffNtk)");
    }
}
