package org.ntk4j.core.analytic.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The linear and pooling steps of {@link ConvRecursion}. Each reads the state {@code (a, b)} of its {@link
 * ConvRecursion.Work} and writes {@code (na, nb)}; nothing is allocated per call.
 */
final class ConvSteps {
    private ConvSteps() {
    }

    /** One step of the recursion. */
    interface Step {
        void apply(ConvRecursion.Work w, boolean full, ConvRecursion.Example e1, ConvRecursion.Example e2,
                   boolean record);

        /** @return whether this step reads per-example {@link HermiteTable}s */
        default boolean usesTables() {
            return false;
        }

        /** @return the index of this activation step among the activations, or −1 */
        default int activationIndex() {
            return -1;
        }

        /** @return the index of this pooling step among the poolings, or −1 */
        default int poolIndex() {
            return -1;
        }
    }

    /**
     * {@code K = σ² A(Ĉ) + σ_b²}, {@code Θ = α A(Ĉ) + γ + σ² A(T)}, {@code A} averaging the same-offset taps of both
     * pixels. On the full state each tap {@code o} adds {@code M[s_o(p), s_o(q)]} to {@code out[p, q]}; the valid
     * {@code q} of one tap form runs {@code q0 + k ↦ s0 + k·st} (one per output row), so the innermost loop is a
     * strided (for stride 1: contiguous, vectorised) sum. Taps are added in the same order for every entry.
     */
    static final class Linear implements Step {
        private final int inP;
        private final int outP;
        private final int taps;
        private final int[] src;
        private final double kw;
        private final double sb2;
        private final double tw;
        private final double gamma;
        /** Per tap: the input pixel of every output pixel, −1 for padding. */
        private final int[][] tapSrc;
        /** Per tap: runs {q0, s0, len, st}, flattened. */
        private final int[][] runs;

        Linear(int inP, int outP, int taps, int[] src, double wv, double sb2, double alpha, double gamma) {
            this.inP = inP;
            this.outP = outP;
            this.taps = taps;
            this.src = src;
            this.kw = wv / taps;
            this.sb2 = sb2;
            this.tw = alpha / taps;
            this.gamma = gamma;
            this.tapSrc = new int[taps][outP];
            this.runs = new int[taps][];
            for (int o = 0; o < taps; o++) {
                for (int q = 0; q < outP; q++) {
                    tapSrc[o][q] = src[q * taps + o];
                }
                runs[o] = runsOf(tapSrc[o]);
            }
        }

        /** Maximal runs of valid entries with a constant source stride. */
        private static int[] runsOf(int[] s) {
            List<int[]> list = new ArrayList<>();
            int q = 0;
            while (q < s.length) {
                if (s[q] < 0) {
                    q++;
                    continue;
                }
                int start = q;
                int st = q + 1 < s.length && s[q + 1] >= 0 ? s[q + 1] - s[q] : 1;
                q++;
                while (q < s.length && s[q] >= 0 && s[q] - s[q - 1] == st) {
                    q++;
                }
                list.add(new int[]{start, s[start], q - start, st});
            }
            int[] r = new int[4 * list.size()];
            for (int i = 0; i < list.size(); i++) {
                System.arraycopy(list.get(i), 0, r, 4 * i, 4);
            }
            return r;
        }

        @Override
        public void apply(ConvRecursion.Work w, boolean full, ConvRecursion.Example e1, ConvRecursion.Example e2,
                          boolean record) {
            double[] a = w.a;
            double[] b = w.b;
            double[] na = w.na;
            double[] nb = w.nb;
            if (!full) {
                for (int p = 0; p < outP; p++) {
                    double sc = 0;
                    double st = 0;
                    for (int o = p * taps, end = o + taps; o < end; o++) {
                        int s = src[o];
                        if (s >= 0) {
                            sc += a[s];
                            st += b[s];
                        }
                    }
                    na[p] = kw * sc + sb2;
                    nb[p] = tw * sc + gamma + kw * st;
                }
                return;
            }
            Arrays.fill(na, 0, outP * outP, 0.0);
            Arrays.fill(nb, 0, outP * outP, 0.0);
            for (int p = 0; p < outP; p++) {
                int rowOut = p * outP;
                for (int o = 0; o < taps; o++) {
                    int s1 = tapSrc[o][p];
                    if (s1 < 0) {
                        continue;
                    }
                    int rowIn = s1 * inP;
                    int[] r = runs[o];
                    for (int k = 0; k < r.length; k += 4) {
                        int q0 = rowOut + r[k];
                        int s0 = rowIn + r[k + 1];
                        int len = r[k + 2];
                        int st = r[k + 3];
                        if (st == 1) {
                            for (int t = 0; t < len; t++) {
                                na[q0 + t] += a[s0 + t];
                                nb[q0 + t] += b[s0 + t];
                            }
                        } else {
                            for (int t = 0; t < len; t++) {
                                na[q0 + t] += a[s0 + t * st];
                                nb[q0 + t] += b[s0 + t * st];
                            }
                        }
                    }
                }
            }
            for (int i = 0, end = outP * outP; i < end; i++) {
                double sc = na[i];
                na[i] = kw * sc + sb2;
                nb[i] = tw * sc + gamma + kw * nb[i];
            }
        }
    }

    /**
     * (Ĉ, T) ↦ (M Ĉ Mᵀ, M T Mᵀ), M a window average (needs the full state). In an example's own run it also records
     * how much the pooling can magnify errors relative to the Cauchy–Schwarz scale: an entry error at most
     * {@code ε·√(X(x)[a,a] X(x')[b,b])} becomes at most {@code ε·(Σ_a M[p,a] √X(x)[a,a])(Σ_b M[p',b] √X(x')[b,b])},
     * which is {@code ε·√(A(x,p) A(x',p'))} times the new scale {@code √((MX(x)Mᵀ)[p,p] (MX(x')Mᵀ)[p',p'])} with
     * {@code A(x,p) = (Σ_a M[p,a] √X[a,a])² / (MXMᵀ)[p,p] ≥ 1}; the largest {@code A} over pixels, both states and
     * the examples a thread ran is kept in {@link ConvRecursion.Work}.
     */
    static final class Pool implements Step {
        private final int inP;
        private final int outP;
        private final int taps;
        private final int[] src;
        private final double[] weight;
        private final int index;

        private Pool(int inP, int outP, int taps, int[] src, double[] weight, int index) {
            this.inP = inP;
            this.outP = outP;
            this.taps = taps;
            this.src = src;
            this.weight = weight;
            this.index = index;
        }

        @Override
        public int poolIndex() {
            return index;
        }

        static Pool window(int inP, int outP, int taps, int[] src, boolean includePad, int index) {
            double[] wt = new double[src.length];
            for (int p = 0; p < outP; p++) {
                int present = 0;
                for (int o = 0; o < taps; o++) {
                    present += src[p * taps + o] >= 0 ? 1 : 0;
                }
                double v = 1.0 / (includePad ? taps : Math.max(1, present));
                for (int o = 0; o < taps; o++) {
                    wt[p * taps + o] = src[p * taps + o] >= 0 ? v : 0.0;
                }
            }
            return new Pool(inP, outP, taps, src, wt, index);
        }

        static Pool global(int inP, double weight, int index) {
            int[] src = new int[inP];
            double[] wt = new double[inP];
            for (int i = 0; i < inP; i++) {
                src[i] = i;
                wt[i] = weight;
            }
            return new Pool(inP, 1, inP, src, wt, index);
        }

        @Override
        public void apply(ConvRecursion.Work w, boolean full, ConvRecursion.Example e1, ConvRecursion.Example e2,
                          boolean record) {
            if (!full) {
                throw new IllegalStateException("pooling needs the full pixel-pair state");
            }
            // pass 1: R = M X, [outP, inP]; pass 2: out = R Mᵀ, [outP, outP]
            for (int p = 0; p < outP; p++) {
                int rowR = p * inP;
                Arrays.fill(w.r1, rowR, rowR + inP, 0.0);
                Arrays.fill(w.r2, rowR, rowR + inP, 0.0);
                for (int o = p * taps, end = o + taps; o < end; o++) {
                    int s = src[o];
                    if (s < 0) {
                        continue;
                    }
                    double wt = weight[o];
                    int rowX = s * inP;
                    for (int q = 0; q < inP; q++) {
                        w.r1[rowR + q] += wt * w.a[rowX + q];
                        w.r2[rowR + q] += wt * w.b[rowX + q];
                    }
                }
            }
            for (int p = 0; p < outP; p++) {
                int rowR = p * inP;
                for (int q = 0; q < outP; q++) {
                    double sc = 0;
                    double st = 0;
                    for (int o = q * taps, end = o + taps; o < end; o++) {
                        int s = src[o];
                        if (s >= 0) {
                            sc += weight[o] * w.r1[rowR + s];
                            st += weight[o] * w.r2[rowR + s];
                        }
                    }
                    w.na[p * outP + q] = sc;
                    w.nb[p * outP + q] = st;
                }
            }
            if (record) {
                w.amplification[index] = Math.max(w.amplification[index],
                        Math.max(amplification(w.a, w.na), amplification(w.b, w.nb)));
            }
        }

        /** max over output pixels p of (Σ_a M[p,a] √X[a,a])² / (MXMᵀ)[p,p], for one example's own state. */
        private double amplification(double[] x, double[] pooled) {
            double worst = 1.0;
            for (int p = 0; p < outP; p++) {
                double s = 0;
                for (int o = p * taps, end = o + taps; o < end; o++) {
                    int a = src[o];
                    if (a >= 0) {
                        s += weight[o] * Math.sqrt(Math.max(0.0, x[a * inP + a]));
                    }
                }
                double d = pooled[p * outP + p];
                double num = s * s;
                if (num > 0) {
                    worst = Math.max(worst, d > 0 ? num / d : Double.POSITIVE_INFINITY);
                }
            }
            return worst;
        }
    }
}
