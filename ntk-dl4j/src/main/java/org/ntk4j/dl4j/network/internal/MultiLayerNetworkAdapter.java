package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.dl4j.network.NetworkAdapter;

import java.util.ArrayList;
import java.util.List;

/** {@link NetworkAdapter} of a {@link MultiLayerNetwork}: a chain of preprocessors and layers. */
public final class MultiLayerNetworkAdapter implements NetworkAdapter {
    private final MultiLayerNetwork net;

    /** @param net an initialised network */
    public MultiLayerNetworkAdapter(MultiLayerNetwork net) {
        if (net.params() == null || net.getLayers() == null) {
            throw new IllegalArgumentException("the MultiLayerNetwork is not initialised: call net.init() first");
        }
        this.net = net;
    }

    @Override
    public DataType dataType() {
        return net.getLayerWiseConfigurations().getDataType();
    }

    @Override
    public int numInputs() {
        return 1;
    }

    @Override
    public int numOutputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.api.Model model() {
        return net;
    }

    @Override
    public NetworkAdapter copy() {
        return new MultiLayerNetworkAdapter(net.clone());
    }

    @Override
    public org.nd4j.linalg.api.ndarray.INDArray output(org.nd4j.linalg.api.ndarray.INDArray x) {
        return net.output(x, false);
    }

    @Override
    public org.deeplearning4j.nn.conf.layers.Layer outputLayerConf() {
        return net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer[] layers() {
        return net.getLayers();
    }

    @Override
    public String kind() {
        return "MultiLayerNetwork";
    }

    @Override
    public ComputePlan plan() {
        MultiLayerConfiguration c = net.getLayerWiseConfigurations().clone();
        for (int i = 0; i < c.getConfs().size(); i++) {
            NeuralNetConfiguration nnc = c.getConf(i);
            nnc.setLayer(TwinConfigs.rewrite(nnc.getLayer(), "layer " + i + " ('" + nnc.getLayer().getLayerName() + "')"));
        }
        MultiLayerNetwork twin = new MultiLayerNetwork(c);
        twin.init(net.params(), false);
        twin.initGradientsView();
        List<Unit> units = new ArrayList<>();
        long params = 0;
        int value = 0;
        for (int i = 0; i < twin.getnLayers(); i++) {
            InputPreProcessor pp = c.getInputPreProcess(i);
            if (pp != null) {
                units.add(new Unit("preprocessor of layer " + i, new int[]{value}, value + 1, new PreprocessorRule(pp)));
                value++;
            }
            org.deeplearning4j.nn.api.Layer layer = twin.getLayer(i);
            String name = "layer " + i + " (" + layer.conf().getLayer().getClass().getSimpleName() + ")";
            units.add(new Unit(name, new int[]{value}, value + 1, LayerRules.of(layer)));
            params += LayerParams.trainableCount(layer);
            value++;
        }
        return new ComputePlan("MultiLayerNetwork", List.copyOf(units), 1, new int[]{value},
                List.of(String.valueOf(twin.getnLayers() - 1)),
                List.of(OutputLayouts.of(c.getConf(c.getConfs().size() - 1).getLayer())),
                new int[]{OutputLayouts.timeAxis(c.getConf(c.getConfs().size() - 1).getLayer())}, dataType(), params,
                new long[][]{expectedInput(c)});
    }

    private static long[] expectedInput(MultiLayerConfiguration c) {
        if (c.getInputPreProcess(0) != null) {
            return null;
        }
        org.deeplearning4j.nn.conf.layers.Layer first = c.getConf(0).getLayer();
        if (first instanceof EmbeddingLayer) {
            return new long[]{1};
        }
        if ((first instanceof org.deeplearning4j.nn.conf.layers.DenseLayer || first instanceof org.deeplearning4j.nn.conf.layers.OutputLayer)
                && ((FeedForwardLayer) first).getNIn() > 0) {
            return new long[]{((FeedForwardLayer) first).getNIn()};
        }
        return null;
    }
}
