package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.Nonlinearity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Fills a {@link HermiteTable}: for each example, the coefficients and energies by two {@link GaussianRule}s (plain
 * panels, every panel halved), computed in batches of examples that share a mesh.
 *
 * <p>The rule's nodes in {@code x} and its weights depend on the example only through its panel layout, which for a
 * centred Gaussian and breakpoints at 0 (or none) is the same for every variance below the smoothness scale's limit.
 * So the examples are grouped by layout (compared exactly); per group the Hermite values {@code h_k(x_p)} are computed
 * once (the same recurrence as a single row), and each example then only evaluates its activation at
 * {@code μ + √q_i x_p} and accumulates {@code Σ_p w_p f_i(x_p) h_k(x_p)} — a loop over the degree that vectorises,
 * over blocks of examples that reuse each node's Hermite values from cache. Every sum runs over the nodes in the
 * order of the single-row computation, with the same operations, so the results are bit-for-bit those of
 * integrating each row alone.
 */
final class HermiteRows {
    /** Examples per block (accumulators of a block stay in the first-level cache). */
    private static final int BLOCK = 8;
    /** Groups smaller than this are one task each (no parallel split of one group). */
    private static final int SMALL = 2 * BLOCK;
    private static final int S = HermiteTable.K + 1;
    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    private HermiteRows() {
    }

    /** One rule's nodes, weights and Hermite values {@code h[p·S + k] = h_k(x_p)}. */
    private static final class Mesh {
        final int m;
        final double[] xi;
        final double[] w;
        final double[] h;

        Mesh(GaussianRule r) {
            m = r.size;
            xi = Arrays.copyOf(r.xi, m);
            w = Arrays.copyOf(r.w15, m);
            h = new double[m * S];
            double[] sq = HermiteTable.SQRT;
            double[] inv = HermiteTable.INV_SQRT;
            for (int p = 0; p < m; p++) {
                double x = xi[p];
                double hPrev = 0;
                double hk = 1;
                int o = p * S;
                for (int k = 0; k <= HermiteTable.K; k++) {
                    h[o + k] = hk;
                    double next = (x * hk - sq[k] * hPrev) * inv[k + 1];
                    hPrev = hk;
                    hk = next;
                }
            }
        }
    }

    /** Per-thread buffers for one block. */
    private static final class Work {
        final GaussianRule rule = new GaussianRule();
        double[] u = new double[0];
        final double[] hp = new double[S];
        /** values[row][channel][node]. */
        double[][][] values = new double[BLOCK][4][0];
        final double[][][][] acc = new double[2][BLOCK][4][S];
        final double[][][] energy = new double[2][BLOCK][6];
        final double[][] abs = new double[BLOCK][6];

        void ensure(int m) {
            if (u.length < m) {
                u = new double[m];
                values = new double[BLOCK][4][m];
            }
        }
    }

    /** A panel layout, compared by value. */
    private record Key(double[] ends) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(ends, k.ends);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ends);
        }
    }

    static void fill(HermiteTable t, Nonlinearity phi, boolean parallel) {
        int n = t.n;
        double[] breaks = phi.breakpoints();
        double scale = phi.smoothnessScale();
        double[][] keys = new double[n][];
        int chunks = Math.max(1, Math.min(n, 64));
        run(chunks, parallel && n > 8, c -> {
            GaussianRule r = WORK.get().rule;
            for (int i = c; i < n; i += chunks) {
                r.mesh(t.mean, sd(t, i), breaks, breaks.length, scale, HermiteTable.PANEL, 1, HermiteTable.RANGE);
                keys[i] = Arrays.copyOf(r.ends, 2 * r.panels);
            }
        });
        Map<Key, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(new Key(keys[i]), k -> new ArrayList<>()).add(i);
        }
        List<int[]> small = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            int[] rows = g.stream().mapToInt(Integer::intValue).toArray();
            if (rows.length < SMALL) {
                small.add(rows);
                continue;
            }
            Mesh[] mesh = meshes(t, phi, breaks, scale, rows[0], keys[rows[0]], new GaussianRule());
            int blocks = (rows.length + BLOCK - 1) / BLOCK;
            run(blocks, parallel, blk -> block(t, phi, mesh, rows, blk * BLOCK,
                    Math.min(rows.length, (blk + 1) * BLOCK), WORK.get()));
        }
        run(small.size(), parallel && n > 8, gi -> {
            int[] rows = small.get(gi);
            Work w = WORK.get();
            Mesh[] mesh = meshes(t, phi, breaks, scale, rows[0], keys[rows[0]], w.rule);
            for (int from = 0; from < rows.length; from += BLOCK) {
                block(t, phi, mesh, rows, from, Math.min(rows.length, from + BLOCK), w);
            }
        });
    }

    private static double sd(HermiteTable t, int i) {
        return Math.sqrt(Math.max(0.0, t.q[i]));
    }

    private static void run(int tasks, boolean parallel, IntConsumer task) {
        IntStream range = IntStream.range(0, tasks);
        if (parallel && tasks > 1) {
            range = range.parallel();
        }
        range.forEach(task);
    }

    /** The plain and the halved rule of row {@code i}'s layout. */
    private static Mesh[] meshes(HermiteTable t, Nonlinearity phi, double[] breaks, double scale, int i, double[] key,
                                 GaussianRule r) {
        r.build(t.mean, sd(t, i), breaks, breaks.length, scale, HermiteTable.PANEL, false, 1, HermiteTable.RANGE);
        if (!Arrays.equals(key, Arrays.copyOf(r.ends, 2 * r.panels))) {
            throw new IllegalStateException("HermiteTable: the rule's layout differs from its dry run (" + phi.name()
                    + ", q = " + t.q[i] + ")");
        }
        Mesh plain = new Mesh(r);
        r.build(t.mean, sd(t, i), breaks, breaks.length, scale, HermiteTable.PANEL, false, 2, HermiteTable.RANGE);
        return new Mesh[]{plain, new Mesh(r)};
    }

    /** Rows {@code rows[from..to)} of one layout: both passes, then {@link HermiteTable#store}. */
    private static void block(HermiteTable t, Nonlinearity phi, Mesh[] mesh, int[] rows, int from, int to, Work w) {
        int nr = to - from;
        int ch = t.kink == null ? 2 : 4;
        for (int pass = 0; pass < 2; pass++) {
            Mesh ms = mesh[pass];
            int m = ms.m;
            w.ensure(m);
            double[] u = w.u;
            for (int r = 0; r < nr; r++) {
                double s = sd(t, rows[from + r]);
                for (int p = 0; p < m; p++) {
                    u[p] = t.mean + s * ms.xi[p];
                }
                double[][] v = w.values[r];
                phi.evaluate(u, m, v[0], v[1]);
                if (ch == 4) {
                    t.kink.evaluate(u, m, v[2], v[3]);
                }
                energies(ms, v, ch, w.energy[pass][r], w.abs[r]);
                for (int c = 0; c < ch; c++) {
                    Arrays.fill(w.acc[pass][r][c], 0.0);
                }
            }
            double[] h = ms.h;
            double[] wt = ms.w;
            double[] hp = w.hp;
            for (int p = 0; p < m; p++) {
                // the node's Hermite values in a row of their own: same index as the accumulator (vectorises)
                System.arraycopy(h, p * S, hp, 0, S);
                double wp = wt[p];
                for (int r = 0; r < nr; r++) {
                    double[][] v = w.values[r];
                    double[][] acc = w.acc[pass][r];
                    for (int c = 0; c < ch; c++) {
                        double fa = wp * v[c][p];
                        double[] a = acc[c];
                        for (int k = 0; k < S; k++) {
                            a[k] += fa * hp[k];
                        }
                    }
                }
            }
        }
        for (int r = 0; r < nr; r++) {
            t.store(rows[from + r], w.acc[0][r], w.acc[1][r], w.energy[0][r], w.energy[1][r], w.abs[r]);
        }
    }

    /** Energies (and their absolute sums) of φ, φ', then ψ, ψ', φ − ψ, φ' − ψ'. */
    private static void energies(Mesh ms, double[][] v, int ch, double[] e, double[] abs) {
        double f15 = 0, g15 = 0, fAbs = 0, gAbs = 0;
        double[] f = v[0];
        double[] g = v[1];
        for (int p = 0; p < ms.m; p++) {
            double wa = ms.w[p];
            double fv = f[p];
            double gv = g[p];
            f15 += wa * fv * fv;
            g15 += wa * gv * gv;
            fAbs += Math.abs(wa * fv * fv);
            gAbs += Math.abs(wa * gv * gv);
        }
        e[0] = f15;
        e[1] = g15;
        abs[0] = fAbs;
        abs[1] = gAbs;
        if (ch == 2) {
            return;
        }
        double[] ps = v[2];
        double[] pd = v[3];
        double e2 = 0, e3 = 0, e4 = 0, e5 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
        for (int p = 0; p < ms.m; p++) {
            double wa = ms.w[p];
            double pv = ps[p];
            double dv = pd[p];
            double rv = f[p] - pv;
            double sv = g[p] - dv;
            e2 += wa * pv * pv;
            e3 += wa * dv * dv;
            e4 += wa * rv * rv;
            e5 += wa * sv * sv;
            a2 += Math.abs(wa * pv * pv);
            a3 += Math.abs(wa * dv * dv);
            a4 += Math.abs(wa * rv * rv);
            a5 += Math.abs(wa * sv * sv);
        }
        e[2] = e2;
        e[3] = e3;
        e[4] = e4;
        e[5] = e5;
        abs[2] = a2;
        abs[3] = a3;
        abs[4] = a4;
        abs[5] = a5;
    }
}
