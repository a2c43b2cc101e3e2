package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The structured kernel of a plain chain of dense layers (DenseLayer / OutputLayer, every hidden activation element-wise,
 * output activation element-wise or softmax), computed without fresh native memory on the hot path: every block's
 * pre-activations, activations, derivatives and stacked gradients live in buffers sized once per block length and
 * reused across tiles and calls; every matrix product is a {@code gemm} with transpose flags into a preallocated
 * output; biases, activations, their derivatives and the Gram accumulations run in place with DL4J's own activation
 * functions (so the numbers are DL4J's).
 *
 * <p>Per layer {@code l} with input {@code A_{l-1}} and stacked pre-activation gradients {@code Δ_l} ({@code [n·o, w_l]},
 * example-major): {@code Θ += (A_{l-1} A'_{l-1}ᵀ + 1) ⊙ (Δ_l Δ'_lᵀ)} — the same mathematics as {@link DenseRule} with
 * {@link GramFactor}, which it is tested against. Instances hold buffers; {@link #first} and {@link #tile} are
 * synchronized.
 */
public final class DenseChain {
    private final List<DenseRule> layers;
    private final DataType type;
    private final int outputs;
    private final Map<Long, Side> sides1 = new HashMap<>();
    private final Map<Long, Side> sides2 = new HashMap<>();
    private final Map<Long, INDArray> scratch = new HashMap<>();
    private static final int ROLE_G = 16;
    private static final int ROLE_DD = ROLE_G + 4096;
    private Side current1;

    private DenseChain(List<DenseRule> layers, DataType type) {
        this.layers = layers;
        this.type = type;
        this.outputs = (int) layers.get(layers.size() - 1).w.size(1);
    }

    /**
     * @param plan a network plan
     * @param mode the parameter mode
     * @return the fast path for the plan, or null when the plan is not a plain chain of dense layers with element-wise
     * hidden activations (those use the general engine)
     */
    public static DenseChain of(ComputePlan plan, ParamMode mode) {
        if (mode != ParamMode.STRUCTURED || plan.numInputs() != 1 || plan.units().isEmpty()
                || (plan.dataType() != DataType.FLOAT && plan.dataType() != DataType.DOUBLE)) {
            return null;
        }
        List<DenseRule> rules = new ArrayList<>();
        List<Unit> units = plan.units();
        for (int u = 0; u < units.size(); u++) {
            Unit unit = units.get(u);
            if (unit.rule().getClass() != DenseRule.class || unit.inputs().length != 1 || unit.inputs()[0] != u
                    || unit.output() != u + 1) {
                return null;
            }
            DenseRule r = (DenseRule) unit.rule();
            boolean last = u == units.size() - 1;
            if (!last && !Activations.elementwise(r.activation)) {
                return null;
            }
            if (last && !(Activations.elementwise(r.activation) || r.activation instanceof ActivationSoftmax)) {
                return null;
            }
            if (r.w.dataType() != plan.dataType()) {
                return null;
            }
            rules.add(r);
        }
        return plan.outputIds().length == 1 && plan.outputIds()[0] == units.size()
                ? new DenseChain(rules, plan.dataType()) : null;
    }

    /** @return the number of outputs o */
    public int outputs() {
        return outputs;
    }

    /**
     * Runs the forward and backward pass of the first block of a row of tiles (kept until the next call).
     *
     * @param x1 first block {@code [b1, d]}
     */
    public synchronized void first(INDArray x1) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            current1 = side(sides1, x1.size(0));
            current1.run(x1);
        }
    }

    /**
     * Writes the kernel of the first block (see {@link #first}) against a second block into a region of the kernel.
     *
     * @param x2    second block {@code [b2, d]}, or null for the symmetric block of the first block with itself
     * @param trace true: region {@code [b1, b2]} summed over outputs and divided by {@code divisor}; false:
     *              {@code [b1·o, b2·o]} example-major, or the blocked {@code [b1, b2, o, o]} of the final FULL layout
     * @param divisor every TRACE entry is divided by it (the number of outputs, for the mean; 1 for none)
     * @param out   the region to write (overwritten), a view of the kernel; when it is a whole contiguous c-ordered
     *              array the terms are accumulated into it directly (no scratch accumulator, no copy)
     */
    public synchronized void tile(INDArray x2, boolean trace, int divisor, INDArray out) {
        if (current1 == null) {
            throw new IllegalStateException("first(x1) must be called before tile(...)");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Side s1 = current1;
            Side s2 = s1;
            boolean symmetric = x2 == null;
            if (!symmetric) {
                s2 = side(sides2, x2.size(0));
                s2.run(x2);
            }
            long m1 = trace ? s1.n : s1.n * outputs, m2 = trace ? s2.n : s2.n * outputs;
            boolean direct = out.ordering() == 'c' && out.offset() == 0 && Shape.hasDefaultStridesForShape(out)
                    && out.length() == out.data().length();
            INDArray acc = direct ? out : out.rank() == 4 ? blocked(s1.n, s2.n) : buffer(0, m1, m2);
            if (!trace && outputs > 1) {
                full(s1, s2, symmetric, acc);
                if (!direct) {
                    out.assign(acc);
                }
                return;
            }
            INDArray g = buffer(1, s1.n, s2.n);
            INDArray dd = buffer(2, m1, m2);
            boolean first = true;
            for (int l = 0; l < layers.size(); l++) {
                DenseRule r = layers.get(l);
                if (!(r.trainW || r.trainB)) {
                    continue;
                }
                INDArray a1 = l == 0 ? s1.input : s1.act[l - 1], a2 = l == 0 ? s2.input : s2.act[l - 1];
                INDArray d1 = trace ? s1.deltaRows[l] : s1.delta[l], d2 = trace ? s2.deltaRows[l] : s2.delta[l];
                double c = r.trainB ? 1.0 : 0.0;
                if (r.trainW) {
                    gram(a1, a2, symmetric, g);
                }
                gram(d1, d2, symmetric, dd);
                if (symmetric) { // lower triangles only (syrk: half the multiply-adds), mirrored once at the end
                    GramAccumulator.addLower(acc, r.trainW ? g : null, c, dd, trace ? 1 : outputs, first);
                } else {
                    GramAccumulator.add(acc, r.trainW ? g : null, c, dd, trace ? 1 : outputs, first);
                }
                first = false;
            }
            if (first) {
                acc.assign(0); // no trainable layer
            } else if (symmetric) {
                GramAccumulator.mirror(acc, (int) s1.n, trace ? 1 : outputs);
            }
            if (trace && divisor != 1) {
                GramAccumulator.divide(acc, divisor);
            }
            if (!direct) {
                out.assign(acc);
            }
        }
    }

    /**
     * A FULL tile ({@code o > 1}) in one pass over {@code acc} ({@link FullAccumulator}): each layer's Gram matrices
     * go into their own buffers first; an output layer with an element-wise activation needs no gradient Gram matrix.
     */
    private void full(Side s1, Side s2, boolean symmetric, INDArray acc) {
        List<FullAccumulator.Term> terms = new ArrayList<>(layers.size());
        int last = layers.size() - 1;
        for (int l = 0; l <= last; l++) {
            DenseRule r = layers.get(l);
            if (!(r.trainW || r.trainB)) {
                continue;
            }
            INDArray g = null;
            if (r.trainW) {
                g = buffer(ROLE_G + l, s1.n, s2.n);
                gram(l == 0 ? s1.input : s1.act[l - 1], l == 0 ? s2.input : s2.act[l - 1], symmetric, g);
            }
            INDArray dd = null;
            if (l < last || !diagonalOutput()) {
                dd = buffer(ROLE_DD + l, s1.n * outputs, s2.n * outputs);
                gram(s1.delta[l], s2.delta[l], symmetric, dd);
            }
            terms.add(new FullAccumulator.Term(g, r.trainB ? 1.0 : 0.0, dd));
        }
        if (terms.isEmpty()) {
            acc.assign(0); // no trainable layer
            return;
        }
        FullAccumulator.write(acc, terms.toArray(new FullAccumulator.Term[0]), s1.deriv[last], s2.deriv[last],
                (int) s1.n, (int) s2.n, outputs, symmetric);
    }

    /** @return whether the output layer's stacked gradient rows are {@code σ'(z_ik) e_k} (element-wise activation) */
    private boolean diagonalOutput() {
        return !(layers.get(layers.size() - 1).activation instanceof ActivationSoftmax);
    }

    /**
     * @param b1    examples of the first block
     * @param b2    examples of the second block
     * @param trace TRACE or FULL
     * @return bytes of the buffers of one {@code b1 × b2} tile beyond the blocks' own (FULL: a gradient Gram matrix
     * per layer but an element-wise output, an example Gram matrix per layer, the scratch tile; TRACE: one of each)
     */
    public long tileBytes(long b1, long b2, boolean trace) {
        long tile = b1 * outputs * b2 * outputs;
        if (trace || outputs == 1) {
            return type.width() * 3 * b1 * b2; // g, dd and the scratch tile of a strided target, all [b1, b2]
        }
        long grams = layers.size() - (diagonalOutput() ? 1 : 0);
        return type.width() * (layers.size() * b1 * b2 + (grams + 1) * tile);
    }

    /**
     * {@code out = a bᵀ} by one {@code gemm} into the preallocated output (an off-diagonal tile; a symmetric tile goes
     * through {@link SymmetricGram#lower}, BLAS {@code syrk}: splitting it into three half-size {@code gemm}s instead
     * measured 1.5–2.5× slower here, the half-size products run at a lower rate and the assembly costs more).
     */
    private static void product(INDArray a, INDArray b, INDArray out) {
        Nd4j.gemm(a, b, out, false, true, 1.0, 0.0);
    }

    /** {@code out = a bᵀ}: the lower triangle through syrk when the tile is symmetric ({@code a = b}). */
    private static void gram(INDArray a, INDArray b, boolean symmetric, INDArray out) {
        if (symmetric) {
            SymmetricGram.lower(a, out);
        } else {
            product(a, b, out);
        }
    }

    /** DL4J's activations work in place on their argument; the few that return a new array are copied back. */
    private static void inPlace(INDArray buffer, INDArray result) {
        if (result != buffer) {
            buffer.assign(result);
        }
    }

    private Side side(Map<Long, Side> sides, long n) {
        return sides.computeIfAbsent(n, Side::new);
    }

    /** The blocked {@code [b1, b2, o, o]} scratch accumulator of a FULL tile written into a strided region. */
    private INDArray blocked(long b1, long b2) {
        return scratch.computeIfAbsent(3 * 0x1000_0000_0000L + b1 * 0x100_0000L + b2,
                k -> Nd4j.createUninitialized(type, new long[]{b1, b2, outputs, outputs}, 'c'));
    }

    private INDArray buffer(int role, long rows, long cols) {
        return scratch.computeIfAbsent(role * 0x1000_0000_0000L + rows * 0x100_0000L + cols,
                k -> Nd4j.createUninitialized(type, new long[]{rows, cols}, 'c'));
    }

    /** One block's buffers: pre-activations, activations, derivatives and stacked gradients of every layer. */
    private final class Side {
        final long n;
        final INDArray[] z;
        final INDArray[] act;
        final INDArray[] deriv;
        final INDArray[] delta;
        final INDArray[] eps;
        /** {@code delta} as {@code [n, o·w]} (one row per example, all outputs): the TRACE Gram operand, made once */
        final INDArray[] deltaRows;
        final INDArray ones;
        final FusedRelu.Scratch heap = new FusedRelu.Scratch();
        INDArray input;

        Side(long n) {
            this.n = n;
            int nl = layers.size();
            z = new INDArray[nl];
            act = new INDArray[nl];
            deriv = new INDArray[nl];
            delta = new INDArray[nl];
            eps = new INDArray[nl];
            deltaRows = new INDArray[nl];
            long widest = 1;
            for (int l = 0; l < nl; l++) {
                long w = layers.get(l).w.size(1);
                widest = Math.max(widest, w);
                z[l] = Nd4j.createUninitialized(type, new long[]{n, w}, 'c');
                act[l] = Nd4j.createUninitialized(type, new long[]{n, w}, 'c');
                deriv[l] = Nd4j.createUninitialized(type, new long[]{n, w}, 'c');
                delta[l] = Nd4j.createUninitialized(type, new long[]{n * outputs, w}, 'c');
                eps[l] = Nd4j.createUninitialized(type, new long[]{n * outputs, w}, 'c');
                deltaRows[l] = delta[l].reshape('c', n, w * outputs);
            }
            ones = Nd4j.ones(type, n, widest);
        }

        void run(INDArray x) {
            input = x;
            int nl = layers.size();
            for (int l = 0; l < nl; l++) {
                DenseRule r = layers.get(l);
                Nd4j.gemm(l == 0 ? x : act[l - 1], r.w, z[l], false, false, 1.0, 0.0);
                if (l < nl - 1 && FusedRelu.applies(r.activation)) {
                    FusedRelu.forward(z[l], r.b, act[l], heap);
                    continue;
                }
                if (r.b != null) {
                    FusedRelu.addBias(z[l], r.b, heap);
                }
                if (l == nl - 1) {
                    break; // the output's activation is never read: Δ comes from z
                }
                act[l].assign(z[l]);
                inPlace(act[l], r.activation.getActivation(act[l], false));
            }
            outputDelta(layers.get(nl - 1), nl - 1);
            for (int l = nl - 2; l >= 0; l--) {
                DenseRule above = layers.get(l + 1);
                // ε_l = Δ_{l+1} W_{l+1}ᵀ, then Δ_l = σ'(z_l) ⊙ ε_l per stacked row
                Nd4j.gemm(delta[l + 1], above.w, eps[l], false, true, 1.0, 0.0);
                IActivation f = layers.get(l).activation;
                if (FusedRelu.applies(f)) {
                    FusedRelu.backward(eps[l], act[l], delta[l], outputs, heap);
                } else if (f instanceof ActivationIdentity) {
                    delta[l].assign(eps[l]);
                } else if (outputs == 1) {
                    delta[l].assign(z[l]);
                    inPlace(delta[l], f.backprop(delta[l], eps[l]).getFirst()); // Δ = σ'(z) ⊙ ε
                } else {
                    deriv[l].assign(z[l]);
                    inPlace(deriv[l], f.backprop(deriv[l], ones(l)).getFirst());
                    delta[l].assign(eps[l]);
                    INDArray d3 = delta[l].reshape('c', n, outputs, delta[l].size(1));
                    Nd4j.getExecutioner().exec(new BroadcastMulOp(d3, deriv[l], d3, 0, 2));
                }
            }
        }

        private INDArray ones(int l) {
            long w = z[l].size(1);
            return w == ones.size(1) ? ones : ones.get(NDArrayIndex.all(), NDArrayIndex.interval(0, w));
        }

        /** Δ of the output layer: row (i, k) is the gradient of output k of example i w.r.t. z_i. */
        private void outputDelta(DenseRule r, int l) {
            INDArray d = delta[l];
            DataBuffer buf = d.data();
            long o = outputs;
            if (r.activation instanceof ActivationIdentity) {
                if (!identityReady) {
                    identityReady = true;
                    deriv[l].assign(1); // σ' of the identity, read by the FULL pass
                    d.assign(0);
                    for (long i = 0; i < n; i++) {
                        for (long k = 0; k < o; k++) {
                            buf.put((i * o + k) * o + k, 1.0);
                        }
                    }
                }
                return;
            }
            d.assign(0);
            if (r.activation instanceof ActivationSoftmax) {
                INDArray p = deriv[l];
                p.assign(z[l]);
                inPlace(p, r.activation.getActivation(p, false));
                DataBuffer pb = p.data();
                for (long i = 0; i < n; i++) {
                    for (long k = 0; k < o; k++) {
                        double pk = pb.getDouble(i * o + k);
                        for (long c = 0; c < o; c++) {
                            double v = (k == c ? pk : 0.0) - pk * pb.getDouble(i * o + c);
                            buf.put((i * o + k) * o + c, v);
                        }
                    }
                }
                return;
            }
            INDArray s = deriv[l];
            s.assign(z[l]);
            inPlace(s, r.activation.backprop(s, ones(l)).getFirst());
            DataBuffer sb = s.data();
            for (long i = 0; i < n; i++) {
                for (long k = 0; k < o; k++) {
                    buf.put((i * o + k) * o + k, sb.getDouble(i * o + k));
                }
            }
        }

        /** The identity output's Δ (rows e_k) never changes: it is written once. */
        private boolean identityReady;
    }
}
