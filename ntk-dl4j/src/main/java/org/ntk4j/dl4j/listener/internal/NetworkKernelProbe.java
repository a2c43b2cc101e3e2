package org.ntk4j.dl4j.listener.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.EmpiricalNtk;

/**
 * The {@link KernelProbe} of a DL4J network (MultiLayerNetwork or ComputationGraph): its {@link EmpiricalNtk} on the
 * probe features, and the parameter change against a copy of {@code net.params()} taken at the start. Reads the
 * network only. Call on the training thread, outside workspaces. Not API.
 */
public final class NetworkKernelProbe implements KernelProbe {
    private final EmpiricalNtk ntk;
    private final Model model;
    private final INDArray[] features;
    private final int outputs;
    private final INDArray params0;
    private final double params0Norm;

    private NetworkKernelProbe(EmpiricalNtk ntk, Model model, INDArray[] features, int outputs, INDArray params0) {
        this.ntk = ntk;
        this.model = model;
        this.features = features;
        this.outputs = outputs;
        this.params0 = params0;
        this.params0Norm = params0.norm2Number().doubleValue();
    }

    /**
     * @param ntk      the kernel settings
     * @param model    the network, initialised
     * @param features the probe, one array per network input (validated copies)
     * @param listener the listener's name, for messages
     * @return the probe, holding a copy of the network's parameters of now and its number of outputs
     * @throws IllegalArgumentException when the probe does not fit the network
     */
    public static NetworkKernelProbe start(EmpiricalNtk ntk, Model model, INDArray[] features, String listener) {
        INDArray params = model.params();
        if (params == null) {
            throw new IllegalArgumentException(listener + ": the " + model.getClass().getSimpleName()
                    + " has no parameters yet (got: params() = null): call net.init() before training");
        }
        DataType type = params.dataType();
        INDArray[] x = new INDArray[features.length];
        for (int i = 0; i < features.length; i++) {
            x[i] = features[i].castTo(type);
        }
        int o;
        try {
            o = ntk.outputsPerExample(model, x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(listener + ": the probe does not fit the network: " + e.getMessage(), e);
        }
        return new NetworkKernelProbe(ntk, model, x, o, params.dup());
    }

    @Override
    public INDArray kernel() {
        return ntk.compute(model, features, null);
    }

    @Override
    public double parameterChange() {
        return params0Norm > 0 ? model.params().distance2(params0) / params0Norm : Double.NaN;
    }

    @Override
    public int outputs() {
        return outputs;
    }

    /** @return the number of probe examples */
    public long examples() {
        return features[0].size(0);
    }
}
