package org.ntk4j.dl4j.samediff;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.listener.internal.KernelProbe;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link KernelProbe} of a SameDiff graph: its {@link SameDiffNtk} on the probe features, and the parameter change
 * against DOUBLE copies of the graph's floating point trainable ({@code VARIABLE}) variables taken at the start. Reads
 * the graph only. Call on the training thread, outside workspaces.
 */
final class SameDiffKernelProbe implements KernelProbe {
    private final SameDiffNtk ntk;
    private final INDArray features;
    private final Map<String, INDArray> params0;
    private final double params0Norm;

    private SameDiffKernelProbe(SameDiffNtk ntk, INDArray features, Map<String, INDArray> params0, double norm) {
        this.ntk = ntk;
        this.features = features;
        this.params0 = params0;
        this.params0Norm = norm;
    }

    /**
     * @param ntk      the graph's NTK
     * @param features the probe (a validated copy)
     * @return the probe, holding copies of the trainable variables of now
     */
    static SameDiffKernelProbe start(SameDiffNtk ntk, INDArray features) {
        Map<String, INDArray> p0 = new LinkedHashMap<>();
        double sq = 0;
        for (SDVariable v : ntk.sourceGraph().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType() && v.getArr() != null) {
                INDArray copy = v.getArr().castTo(DataType.DOUBLE).dup();
                p0.put(v.name(), copy);
                double norm = copy.norm2Number().doubleValue();
                sq += norm * norm;
            }
        }
        return new SameDiffKernelProbe(ntk, features, p0, Math.sqrt(sq));
    }

    @Override
    public INDArray kernel() {
        return ntk.compute(features);
    }

    /** ‖θt − θ0‖₂ / ‖θ0‖₂ over the variables recorded at the start, in DOUBLE; reads the parameters only. */
    @Override
    public double parameterChange() {
        if (!(params0Norm > 0)) {
            return Double.NaN;
        }
        SameDiff sd = ntk.sourceGraph();
        double sq = 0;
        for (Map.Entry<String, INDArray> e : params0.entrySet()) {
            SDVariable v = sd.getVariable(e.getKey());
            INDArray now = v == null ? null : v.getArr();
            if (now == null || !Arrays.equals(now.shape(), e.getValue().shape())) {
                throw new IllegalStateException("trainable variable '" + e.getKey() + "' is no longer in the graph or"
                        + " changed shape (got: " + (now == null ? "null" : Arrays.toString(now.shape())) + ")");
            }
            double d = now.castTo(DataType.DOUBLE).distance2(e.getValue());
            sq += d * d;
        }
        return Math.sqrt(sq) / params0Norm;
    }

    @Override
    public int outputs() {
        return ntk.numOutputs();
    }
}
