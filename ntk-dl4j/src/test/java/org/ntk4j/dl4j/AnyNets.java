package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * Builds one architecture (a chain of layers) both as a MultiLayerNetwork and as a ComputationGraph with the same
 * seed, for the "any network" tests.
 */
final class AnyNets {
    private AnyNets() {
    }

    /** @return the chain as a MultiLayerNetwork and as a ComputationGraph ("in" → "l0" → ... ) */
    static List<Model> both(DataType type, long seed, InputType in, Layer... layers) {
        return List.of(mln(type, seed, in, layers), graph(type, seed, in, layers));
    }

    /** @return DL4J's own inference output of the (first) output */
    static org.nd4j.linalg.api.ndarray.INDArray output(Model m, org.nd4j.linalg.api.ndarray.INDArray x) {
        return m instanceof MultiLayerNetwork n ? n.output(x, false) : ((ComputationGraph) m).output(false, x)[0];
    }

    static MultiLayerNetwork mln(DataType type, long seed, InputType in, Layer... layers) {
        NeuralNetConfiguration.ListBuilder b = TestNets.base(type, seed).list();
        for (Layer l : layers) {
            b.layer(l.clone());
        }
        if (in != null) {
            b.setInputType(in);
        }
        MultiLayerConfiguration c = b.build();
        MultiLayerNetwork n = new MultiLayerNetwork(c);
        n.init();
        return n;
    }

    static ComputationGraph graph(DataType type, long seed, InputType in, Layer... layers) {
        ComputationGraphConfiguration.GraphBuilder b = TestNets.base(type, seed).graphBuilder().addInputs("in");
        String prev = "in";
        for (int i = 0; i < layers.length; i++) {
            b.addLayer("l" + i, layers[i].clone(), prev);
            prev = "l" + i;
        }
        b.setOutputs(prev);
        if (in != null) {
            b.setInputTypes(in);
        }
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }
}
