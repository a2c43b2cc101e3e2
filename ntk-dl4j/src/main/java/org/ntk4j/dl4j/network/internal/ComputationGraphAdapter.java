package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.dl4j.network.NetworkAdapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link NetworkAdapter} of a {@link ComputationGraph} with any number of output arrays: its vertices in topological order,
 * layer vertices split into preprocessor and layer; several inputs, skip connections and merges are supported.
 */
public final class ComputationGraphAdapter implements NetworkAdapter {
    private final ComputationGraph graph;

    /** @param graph an initialised graph */
    public ComputationGraphAdapter(ComputationGraph graph) {
        if (graph.params() == null || graph.getVertices() == null) {
            throw new IllegalArgumentException("the ComputationGraph is not initialised: call graph.init() first");
        }
        this.graph = graph;
    }

    @Override
    public DataType dataType() {
        return graph.getConfiguration().getDataType();
    }

    @Override
    public int numInputs() {
        return graph.getConfiguration().getNetworkInputs().size();
    }

    @Override
    public int numOutputs() {
        return graph.getConfiguration().getNetworkOutputs().size();
    }

    @Override
    public org.deeplearning4j.nn.api.Model model() {
        return graph;
    }

    @Override
    public NetworkAdapter copy() {
        return new ComputationGraphAdapter(graph.clone());
    }

    @Override
    public org.nd4j.linalg.api.ndarray.INDArray output(org.nd4j.linalg.api.ndarray.INDArray x) {
        if (numInputs() != 1 || numOutputs() != 1) {
            throw new IllegalArgumentException("expected a ComputationGraph with one input and one output (got "
                    + numInputs() + " inputs, " + numOutputs() + " outputs)");
        }
        return graph.outputSingle(false, x);
    }

    @Override
    public org.deeplearning4j.nn.conf.layers.Layer outputLayerConf() {
        return graph.getOutputLayer(0).conf().getLayer();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer[] layers() {
        return graph.getLayers();
    }

    @Override
    public String kind() {
        return "ComputationGraph";
    }

    @Override
    public ComputePlan plan() {
        ComputationGraphConfiguration c = graph.getConfiguration().clone();
        for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                lv.getLayerConf().setLayer(TwinConfigs.rewrite(lv.getLayerConf().getLayer(), "vertex '" + e.getKey() + "'"));
            }
        }
        ComputationGraph twin = new ComputationGraph(c);
        twin.init(graph.params(), false);
        twin.initGradientsView();

        List<String> inputs = c.getNetworkInputs();
        Map<Integer, Integer> valueOf = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            valueOf.put(twin.getVertex(inputs.get(i)).getVertexIndex(), i);
        }
        List<Unit> units = new ArrayList<>();
        int next = inputs.size();
        long params = 0;
        for (int idx : twin.topologicalSortOrder()) {
            GraphVertex gv = twin.getVertices()[idx];
            if (gv.isInputVertex()) {
                continue;
            }
            VertexIndices[] in = gv.getInputVertices();
            int[] ids = new int[in.length];
            for (int j = 0; j < in.length; j++) {
                ids[j] = valueOf.get(in[j].getVertexIndex());
            }
            if (gv instanceof LayerVertex lv) {
                InputPreProcessor pp = lv.getLayerPreProcessor();
                if (pp != null) {
                    units.add(new Unit("preprocessor of '" + gv.getVertexName() + "'", new int[]{ids[0]}, next,
                            new PreprocessorRule(pp)));
                    ids = new int[]{next++};
                }
                units.add(new Unit("'" + gv.getVertexName() + "'", ids, next, LayerRules.of(lv.getLayer())));
                params += LayerParams.trainableCount(lv.getLayer());
            } else {
                units.add(new Unit("'" + gv.getVertexName() + "'", ids, next, new VertexRule(gv)));
            }
            valueOf.put(idx, next++);
        }
        List<String> names = c.getNetworkOutputs();
        int[] out = new int[names.size()];
        List<String> layouts = new ArrayList<>();
        int[] timeAxes = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = valueOf.get(twin.getVertex(names.get(i)).getVertexIndex());
            org.deeplearning4j.nn.conf.graph.GraphVertex v = c.getVertices().get(names.get(i));
            org.deeplearning4j.nn.conf.layers.Layer lc = v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    ? lv.getLayerConf().getLayer() : null;
            layouts.add(OutputLayouts.of(lc));
            timeAxes[i] = lc == null ? 0 : OutputLayouts.timeAxis(lc);
        }
        return new ComputePlan("ComputationGraph", List.copyOf(units), inputs.size(), out, List.copyOf(names), List.copyOf(layouts), timeAxes, dataType(), params,
                new long[inputs.size()][]);
    }
}
