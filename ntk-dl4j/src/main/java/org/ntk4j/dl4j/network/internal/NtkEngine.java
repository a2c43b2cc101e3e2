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
    private final int[] outputIds;

    /**
     * @param plan the network
     * @param mode structured factors or explicit per-example gradients
     */
    public NtkEngine(ComputePlan plan, ParamMode mode) {
        this(plan, mode, plan.outputIds());
    }

    /**
     * @param plan      the network
     * @param mode      structured factors or explicit per-example gradients
     * @param outputIds the value ids of the outputs whose kernel is computed (see {@link ComputePlan#select})
     */
    public NtkEngine(ComputePlan plan, ParamMode mode, int[] outputIds) {
        this.plan = plan;
        this.mode = mode;
        this.outputIds = outputIds.clone();
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
        return factors(x, null);
    }

    /**
     * The factors of one block with feature masks.
     *
     * @param x     the network inputs of the block, {@code [n, ...]} each, in the network's data type
     * @param masks per network input a feature mask {@code [n, T]} of the block (entries may be null), or null
     * @return the block's factors
     */
    public BlockFactors factors(INDArray[] x, INDArray[] masks) {
        List<Unit> units = plan.units();
        int nu = units.size();
        INDArray[] values = new INDArray[plan.numInputs() + nu];
        INDArray[] valueMasks = new INDArray[values.length];
        Forward[] fwd = new Forward[nu];
        System.arraycopy(x, 0, values, 0, x.length);
        if (masks != null) {
            System.arraycopy(masks, 0, valueMasks, 0, masks.length);
        }
        long n = x[0].size(0);
        for (int u = 0; u < nu; u++) {
            Unit unit = units.get(u);
            try {
                valueMasks[unit.output()] = unit.rule().mask(gather(valueMasks, unit.inputs()), n);
            } catch (UnsupportedOperationException e) {
                throw new UnsupportedOperationException(unit.name() + ": " + e.getMessage(), e);
            }
            fwd[u] = unit.rule().forward(gather(values, unit.inputs()));
            values[unit.output()] = fwd[u].output();
            if (values[unit.output()].dataType() != plan.dataType()) { // DL4J's masked pooling returns FLOAT
                values[unit.output()] = values[unit.output()].castTo(plan.dataType());
            }
            if (values[unit.output()].size(0) != n) {
                throw new UnsupportedOperationException(unit.name() + " turns " + n + " examples into "
                        + values[unit.output()].size(0) + " rows " + Arrays.toString(values[unit.output()].shape())
                        + " (time steps or positions as examples, e.g. a DenseLayer on sequences through"
                        + " RnnToFeedForwardPreProcessor); ntk4j needs every layer to keep the examples along dimension"
                        + " 0: use RnnOutputLayer, TimeDistributed(DenseLayer) or Conv1D on sequences");
            }
        }
        long total = 0;
        long[] sizes = new long[outputIds.length];
        for (int h = 0; h < outputIds.length; h++) {
            sizes[h] = values[outputIds[h]].length() / Math.max(n, 1);
            total += sizes[h];
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the network has " + total + " outputs per example; ntk4j supports at most "
                    + Integer.MAX_VALUE);
        }
        int o = (int) total;
        INDArray[] eps = new INDArray[values.length];
        long offset = 0;
        for (int h = 0; h < outputIds.length; h++) {
            INDArray out = values[outputIds[h]];
            INDArray seed = Stacking.seed(out.dataType(), n, o, offset, out.shape());
            if (valueMasks[outputIds[h]] != null) {
                maskSeed(seed, out, valueMasks[outputIds[h]], o, timeAxis(h));
            }
            eps[outputIds[h]] = eps[outputIds[h]] == null ? seed : eps[outputIds[h]].add(seed);
            offset += sizes[h];
        }
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

    private int timeAxis(int h) {
        int[] all = plan.outputIds();
        for (int k = 0; k < all.length; k++) {
            if (all[k] == outputIds[h]) {
                return plan.outputTimeAxes()[k];
            }
        }
        return 0;
    }

    /**
     * Masked time steps are not outputs: zeroes the seed of every entry of a sequence output at a masked step, so
     * its Jacobian rows (and its rows and columns of the kernel) are zero.
     */
    private static void maskSeed(INDArray seed, INDArray out, INDArray mask, int o, int timeAxis) {
        if (out.rank() != 3) {
            throw new UnsupportedOperationException("a feature mask reaches the network output "
                    + Arrays.toString(out.shape()) + ", which is not a sequence; pool or take the last time step first");
        }
        long t = mask.size(1);
        int axis = timeAxis != 0 ? timeAxis : out.size(2) == t ? 2 : 1;
        if (out.size(axis) != t) {
            throw new IllegalArgumentException("the feature mask has " + t + " time steps but the network output "
                    + Arrays.toString(out.shape()) + " has " + out.size(axis));
        }
        INDArray rep = Stacking.repeatExamples(mask.castTo(seed.dataType()), o).dup('c');
        INDArray b = axis == 2 ? rep.reshape('c', seed.size(0), 1, t) : rep.reshape('c', seed.size(0), t, 1);
        seed.muli(b.broadcast(seed.shape()));
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
