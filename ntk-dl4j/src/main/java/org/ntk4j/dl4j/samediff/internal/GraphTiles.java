package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.OutputMode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tile of the SameDiff NTK from the built graph: the structured part by one run of {@link NtkGraphBuilder#KERNEL}
 * on the two blocks stacked {@code o} times, plus {@code J1·J2ᵀ} of the exact per-example gradients of the
 * parameters without a structured rule. Also the memory a tile needs. Not thread-safe (it runs the graph).
 */
public final class GraphTiles {
    private final GraphPlan plan;
    private final NtkGraphBuilder.Built built;
    private final String inputName;
    private final OutputMode mode;
    private final long exactWidth;
    private final long exactElements;

    /**
     * @param work      the transformed graph (holds the parameters' arrays)
     * @param plan      its inspection
     * @param built     the ops added to it
     * @param inputName the input placeholder
     * @param mode      TRACE or FULL
     */
    public GraphTiles(SameDiff work, GraphPlan plan, NtkGraphBuilder.Built built, String inputName, OutputMode mode) {
        this.plan = plan;
        this.built = built;
        this.inputName = inputName;
        this.mode = mode;
        long width = 0;
        for (String p : built.exactGradients().keySet()) {
            width += work.getVariable(p).getArr().length();
        }
        this.exactWidth = width;
        long elements = 0;
        for (String p : plan.exactParameters()) {
            elements += work.getVariable(p).getArr().length();
        }
        this.exactElements = elements;
    }

    /** @return whether some parameter takes the exact per-example path (then tiles need {@link #jacobian}s) */
    public boolean hasExact() {
        return !built.exactGradients().isEmpty();
    }

    /** @return the number of scalar parameters on the exact path */
    public long exactWidth() {
        return exactWidth;
    }

    /**
     * @param xa   the first block {@code [na, d, ...]}
     * @param xb   the second block {@code [nb, d, ...]} ({@code xa} itself when {@code same})
     * @param same whether the tile is a diagonal tile of a symmetric kernel
     * @param ja   the first block's {@link #jacobian} (null without exact parameters)
     * @param jb   the second block's {@link #jacobian} (null without exact parameters)
     * @return {@code [na, nb]} (TRACE) or {@code [na, nb, o, o]} (FULL)
     */
    public INDArray tile(INDArray xa, INDArray xb, boolean same, INDArray ja, INDArray jb) {
        long na = xa.size(0), nb = xb.size(0);
        int o = plan.outputs();
        INDArray k = null;
        if (built.hasKernel()) {
            INDArray batch = same ? xa : Nd4j.concat(0, xa, xb);
            long n = batch.size(0);
            INDArray[] copies = new INDArray[o];
            Arrays.fill(copies, batch);
            INDArray stacked = o == 1 ? batch : Nd4j.concat(0, copies);
            INDArray seed = Nd4j.zeros(plan.dataType(), o * n, o);
            for (int c = 0; c < o; c++) {
                seed.get(NDArrayIndex.interval(c * n, (c + 1) * n), NDArrayIndex.point(c)).assign(1.0);
            }
            if (o * n == 1) {   // SameDiff M2.1 has wrong or failing gradients at minibatch 1: add a row seeded 0
                stacked = Nd4j.concat(0, stacked, stacked);
                seed = Nd4j.concat(0, seed, Nd4j.zeros(plan.dataType(), 1, o));
            }
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(inputName, stacked);
            ph.put(NtkGraphBuilder.SEED, seed);
            ph.put(NtkGraphBuilder.ROWS1, range(0, na));
            ph.put(NtkGraphBuilder.ROWS2, same ? range(0, na) : range(na, na + nb));
            String kernel = NtkGraphBuilder.KERNEL;
            k = built.graph().output(ph, kernel).get(kernel).castTo(plan.dataType()).dup();
        }
        if (hasExact()) {
            INDArray flat = ja.mmul(jb.transpose());                  // [na*o, nb*o], example-major
            INDArray full = KernelLayout.unflatten(flat, o);
            INDArray e = mode == OutputMode.TRACE ? KernelLayout.traceOf(full) : full;
            k = k == null ? e : k.addi(e);
        }
        return k;
    }

    /**
     * @param x a block of features {@code [n, d, ...]}
     * @return the exact per-example gradients of the exactly handled parameters, {@code [n·o, P]}, row {@code i·o + k}
     */
    public INDArray jacobian(INDArray x) {
        long n = x.size(0);
        int o = plan.outputs();
        List<String> names = List.copyOf(built.exactGradients().values());
        INDArray j = Nd4j.create(plan.dataType(), n * o, exactWidth);
        for (long i = 0; i < n; i++) {
            INDArray row = rows(x, i, i + 1);
            INDArray pair = Nd4j.concat(0, row, row);                    // two rows: avoid SameDiff's minibatch-1 bugs
            for (int c = 0; c < o; c++) {
                INDArray seed = Nd4j.zeros(plan.dataType(), 2, o);
                seed.putScalar(0, c, 1.0);
                Map<String, INDArray> ph = new HashMap<>();
                ph.put(inputName, pair);
                ph.put(NtkGraphBuilder.SEED, seed);
                Map<String, INDArray> g = built.graph().output(ph, names);
                long col = 0;
                for (String name : names) {
                    INDArray v = g.get(name).castTo(plan.dataType()).reshape(-1);
                    j.get(NDArrayIndex.point(i * o + c), NDArrayIndex.interval(col, col + v.length())).assign(v);
                    col += v.length();
                }
            }
        }
        return j;
    }

    /**
     * @param na examples of the first block
     * @param nb examples of the second block
     * @return the bytes one tile needs: the stacked activations and deltas of the structured terms, the kernel
     *         pieces, the exact-path Jacobians
     */
    public long tileBytes(long na, long nb) {
        int o = plan.outputs();
        long rows = o * (na + nb);
        long perRow = 0;
        for (StructuredTerm t : plan.terms()) {
            perRow += 3 * (t.inputWidth() + t.rowWidth()) + t.scratchPerRow();
        }
        long kernel = mode == OutputMode.TRACE ? na * nb : na * nb * o * o;
        DataType type = plan.dataType();
        return MemoryBudget.bytes(type, rows, Math.max(1, perRow)) + MemoryBudget.bytes(type, 4, kernel)
                + MemoryBudget.bytes(type, (na + nb) * o, exactElements);
    }

    /**
     * @param x    features {@code [n, ...]}
     * @param from first row
     * @param to   end row (exclusive)
     * @return a C-order copy of the rows
     */
    public static INDArray rows(INDArray x, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < idx.length; d++) {
            idx[d] = NDArrayIndex.all();
        }
        return x.get(idx).dup('c');
    }

    private static INDArray range(long from, long to) {
        long[] r = new long[Math.toIntExact(to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return Nd4j.createFromArray(r);
    }
}
