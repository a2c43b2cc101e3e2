package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link ComputePlan} on one block of examples: an inference forward pass, then one backward pass of all
 * outputs at once (epsilons stacked example-major, {@code [n·o, ...]}), collecting each parameter unit's
 * {@link Factor}. Two blocks' factors contract to their kernel block.
 */
public final class NtkEngine {
    private final ComputePlan plan;
    private final ParamMode mode;
    private final boolean[] needsBackward;
    private final boolean[] passEps;

    /**
     * @param plan the network
     * @param mode structured factors or explicit per-example gradients
     */
    public NtkEngine(ComputePlan plan, ParamMode mode) {
        this.plan = plan;
        this.mode = mode;
        List<Unit> units = plan.units();
        int n = units.size();
        boolean[] valueNeeds = new boolean[plan.numInputs() + n];
        this.needsBackward = new boolean[n];
        this.passEps = new boolean[n];
        for (int u = 0; u < n; u++) {
            Unit unit = units.get(u);
            boolean below = false;
            for (int id : unit.inputs()) {
                below |= valueNeeds[id];
            }
            passEps[u] = below;
            needsBackward[u] = below || unit.rule().hasParameters();
            valueNeeds[unit.output()] = needsBackward[u];
        }
    }

    /**
     * The factors of one block.
     *
     * @param x the network inputs of the block, {@code [n, ...]} each, in the network's data type
     * @return the block's factors
     */
    public BlockFactors factors(INDArray[] x) {
        List<Unit> units = plan.units();
        int nu = units.size();
        INDArray[] values = new INDArray[plan.numInputs() + nu];
        Forward[] fwd = new Forward[nu];
        System.arraycopy(x, 0, values, 0, x.length);
        for (int u = 0; u < nu; u++) {
            Unit unit = units.get(u);
            fwd[u] = unit.rule().forward(gather(values, unit.inputs()));
            values[unit.output()] = fwd[u].output();
        }
        INDArray out = values[plan.outputId()];
        if (out.rank() != 2) {
            throw new IllegalArgumentException("the network output has shape " + Arrays.toString(out.shape())
                    + "; ntk4j computes the NTK of feed-forward outputs [n, o] (recurrent and image outputs are not supported)");
        }
        int o = (int) out.size(1);
        long n = out.size(0);
        INDArray[] eps = new INDArray[values.length];
        eps[plan.outputId()] = Stacking.seed(out.dataType(), n, o);
        Factor[] factors = new Factor[nu];
        long bytes = 0;
        for (int u = nu - 1; u >= 0; u--) {
            Unit unit = units.get(u);
            INDArray e = eps[unit.output()];
            eps[unit.output()] = null;
            if (!needsBackward[u] || e == null) {
                continue;
            }
            Backward b = unit.rule().backward(gather(values, unit.inputs()), fwd[u], e, o, mode, passEps[u]);
            factors[u] = b.factor();
            if (b.factor() != null) {
                bytes += b.factor().bytes();
            }
            for (int j = 0; j < unit.inputs().length; j++) {
                int id = unit.inputs()[j];
                INDArray ej = b.inputEps()[j];
                if (id < plan.numInputs() || ej == null) {
                    continue;
                }
                eps[id] = eps[id] == null ? ej : eps[id].add(ej);
            }
            fwd[u] = null;
        }
        long activations = 0;
        for (INDArray v : values) {
            activations += v == null ? 0 : v.length() * v.dataType().width();
        }
        return new BlockFactors(n, o, factors, bytes, activations);
    }

    private static INDArray[] gather(INDArray[] values, int[] ids) {
        INDArray[] r = new INDArray[ids.length];
        for (int i = 0; i < ids.length; i++) {
            r[i] = values[ids[i]];
        }
        return r;
    }

    /**
     * @param a     factors of the first block
     * @param b     factors of the second block
     * @param trace true: {@code [n1, n2]} summed over outputs; false: {@code [n1·o, n2·o]} example-major
     * @return the kernel block (null when the network has no parameter reached by the output)
     */
    public static INDArray contract(BlockFactors a, BlockFactors b, boolean trace) {
        INDArray acc = null;
        for (int u = 0; u < a.factors().length; u++) {
            Factor fa = a.factors()[u];
            Factor fb = b.factors()[u];
            if (fa == null || fb == null) {
                continue;
            }
            INDArray t = trace ? fa.traceSum(fb) : fa.full(fb);
            acc = acc == null ? t : acc.addi(t);
        }
        return acc;
    }

    /**
     * The factors of one block.
     *
     * @param n               examples
     * @param outputs         o
     * @param factors         per unit, null where the unit has no trainable parameter
     * @param factorBytes     bytes held by the factors
     * @param activationBytes bytes of the forward activations (freed after the block)
     */
    public record BlockFactors(long n, int outputs, Factor[] factors, long factorBytes, long activationBytes) {
    }
}
