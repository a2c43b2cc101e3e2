package org.ntk4j.dl4j.network;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.ntk4j.dl4j.network.internal.ComputationGraphAdapter;
import org.ntk4j.dl4j.network.internal.MultiLayerNetworkAdapter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Function;

/**
 * The one place that maps a DL4J model to its {@link NetworkAdapter}, and a saved network kind's tag back to a
 * network: one entry per network kind. To add a kind, add one {@link Kind} here.
 */
public final class NetworkAdapters {

    /** Restores a {@code ModelSerializer} stream of one network kind. */
    @FunctionalInterface
    private interface Restorer {
        Model restore(InputStream in) throws IOException;
    }

    /** One network kind: its class, the tag in saved files, its adapter and its restorer. */
    private record Kind(Class<? extends Model> type, String tag, Function<Model, NetworkAdapter> adapter,
                        Restorer restorer) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(MultiLayerNetwork.class, "MultiLayerNetwork",
                    m -> new MultiLayerNetworkAdapter((MultiLayerNetwork) m),
                    in -> ModelSerializer.restoreMultiLayerNetwork(in, false)),
            new Kind(ComputationGraph.class, "ComputationGraph",
                    m -> new ComputationGraphAdapter((ComputationGraph) m),
                    in -> ModelSerializer.restoreComputationGraph(in, false)));

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
        for (Kind k : KINDS) {
            if (k.type().isInstance(model)) {
                return k.adapter().apply(model);
            }
        }
        throw new IllegalArgumentException("unsupported model type " + model.getClass().getName()
                + ": ntk4j supports MultiLayerNetwork and ComputationGraph (for SameDiff use SameDiffNtk)");
    }

    /**
     * Restores a network saved by {@code ModelSerializer} under its kind's tag ({@link NetworkAdapter#kind()}).
     *
     * @param kind  the tag, e.g. {@code "MultiLayerNetwork"}
     * @param bytes the {@code ModelSerializer} zip
     * @return the adapter of the restored network
     * @throws IllegalArgumentException for an unknown tag (never guessed)
     * @throws IOException              when the bytes are not a network of that kind
     */
    public static NetworkAdapter restore(String kind, byte[] bytes) throws IOException {
        for (Kind k : KINDS) {
            if (k.tag().equals(kind)) {
                return k.adapter().apply(k.restorer().restore(new ByteArrayInputStream(bytes)));
            }
        }
        throw new IllegalArgumentException("unknown network kind '" + kind + "' (this version knows "
                + KINDS.stream().map(Kind::tag).toList() + ")");
    }
}
