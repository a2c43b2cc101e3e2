package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a linearized network needs from a DL4J model, one implementation per network kind: a private copy, inference
 * outputs, the output layer's configuration, the trainable layers, serialization.
 */
public interface Linearizable {

    /** @return the underlying model (MultiLayerNetwork or ComputationGraph) */
    Model model();

    /** @return a deep copy (parameters included) */
    Linearizable copy();

    /**
     * @param x features {@code [n, ...]}
     * @return {@code net.output(x)} in inference mode, {@code [n, o]}
     */
    INDArray output(INDArray x);

    /** @return the configuration of the single output layer */
    org.deeplearning4j.nn.conf.layers.Layer outputLayerConf();

    /** @return the layers of the network */
    Layer[] layers();

    /** @return the parameters' data type */
    default DataType dataType() {
        return model().params().dataType();
    }

    /** @return a tag stored in saved files */
    String kind();

    /**
     * @param model a MultiLayerNetwork or a ComputationGraph with one input and one output
     * @return its adapter
     */
    static Linearizable of(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        for (Map.Entry<Class<?>, Function<Model, Linearizable>> e : Registry.ADAPTERS.entrySet()) {
            if (e.getKey().isInstance(model)) {
                return e.getValue().apply(model);
            }
        }
        throw new IllegalArgumentException("unsupported model type " + model.getClass().getName()
                + ": LinearizedNetwork supports MultiLayerNetwork and ComputationGraph");
    }

    /**
     * @param kind  the tag of {@link #kind()}
     * @param bytes a {@code ModelSerializer} zip
     * @return the restored adapter
     * @throws IOException when the bytes are not a model of that kind
     */
    static Linearizable restore(String kind, byte[] bytes) throws IOException {
        if ("ComputationGraph".equals(kind)) {
            return new Graph(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false));
        }
        return new Multi(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false));
    }

    /** The adapters by model class. */
    final class Registry {
        static final Map<Class<?>, Function<Model, Linearizable>> ADAPTERS = new LinkedHashMap<>();

        static {
            ADAPTERS.put(MultiLayerNetwork.class, m -> new Multi((MultiLayerNetwork) m));
            ADAPTERS.put(ComputationGraph.class, m -> new Graph((ComputationGraph) m));
        }

        private Registry() {
        }
    }

    /** MultiLayerNetwork. */
    record Multi(MultiLayerNetwork net) implements Linearizable {
        @Override
        public Model model() {
            return net;
        }

        @Override
        public Linearizable copy() {
            return new Multi(net.clone());
        }

        @Override
        public INDArray output(INDArray x) {
            return net.output(x, false);
        }

        @Override
        public org.deeplearning4j.nn.conf.layers.Layer outputLayerConf() {
            return net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        }

        @Override
        public Layer[] layers() {
            return net.getLayers();
        }

        @Override
        public String kind() {
            return "MultiLayerNetwork";
        }
    }

    /** ComputationGraph with one input and one output. */
    record Graph(ComputationGraph net) implements Linearizable {
        public Graph {
            if (net.getNumInputArrays() != 1 || net.getNumOutputArrays() != 1) {
                throw new IllegalArgumentException("LinearizedNetwork needs a ComputationGraph with one input and one "
                        + "output (got " + net.getNumInputArrays() + " inputs, " + net.getNumOutputArrays() + " outputs)");
            }
        }

        @Override
        public Model model() {
            return net;
        }

        @Override
        public Linearizable copy() {
            return new Graph(net.clone());
        }

        @Override
        public INDArray output(INDArray x) {
            return net.outputSingle(false, x);
        }

        @Override
        public org.deeplearning4j.nn.conf.layers.Layer outputLayerConf() {
            return net.getOutputLayer(0).conf().getLayer();
        }

        @Override
        public Layer[] layers() {
            return net.getLayers();
        }

        @Override
        public String kind() {
            return "ComputationGraph";
        }
    }
}
