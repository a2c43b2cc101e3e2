package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.AvgPoolSpec;
import org.ntk4j.core.analytic.ConvLayerSpec;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.analytic.Readout;

import java.util.ArrayList;
import java.util.List;

/**
 * The infinite-width recursion of a convolutional stack for one image size, as a list of steps applied to the state of
 * one example pair: either the covariances of every pixel pair ({@code full}, arrays {@code [P·P]}, row-major) or of
 * equal pixels only ({@code [P]}). Linear steps (convolution, flatten or dense readout, dense) map the activation
 * state {@code (Ĉ, T = Ė⊙Θ)} to the pre-activation state {@code (K, Θ)}; activation steps map back with the Gaussian
 * moments; pooling steps map {@code (Ĉ, T)} to {@code (MĈMᵀ, MTMᵀ)}. Immutable; {@link #run} is thread-safe given one
 * {@link Work} per thread.
 */
public final class ConvRecursion {
    private final List<Step> steps;
    private final boolean full;
    private final int inputChannels;
    private final int inputPixels;
    private final int capacity;
    private final int[] activationPixels;
    private final int[] readoutShape;

    private ConvRecursion(List<Step> steps, boolean full, int c0, int p0, int capacity, int[] activationPixels,
                          int[] readoutShape) {
        this.steps = steps;
        this.full = full;
        this.inputChannels = c0;
        this.inputPixels = p0;
        this.capacity = capacity;
        this.activationPixels = activationPixels;
        this.readoutShape = readoutShape;
    }

    /**
     * @param c0    input channels
     * @param h     input height
     * @param w     input width
     * @param full  whether to carry every pixel pair (required by poolings and global readouts)
     * @return the plan
     * @throws IllegalArgumentException when the image is too small for a layer
     */
    public static ConvRecursion compile(int c0, int h, int w, List<ConvStage> stages, Readout readout,
                                        List<DenseLayerSpec> dense, Parameterization par, boolean full,
                                        GaussianMoments moments) {
        List<Step> steps = new ArrayList<>();
        List<Integer> act = new ArrayList<>();
        int p0 = h * w;
        int channels = c0;
        int cap = full ? h * w * h * w : h * w;
        for (int i = 0; i < stages.size(); i++) {
            ConvStage st = stages.get(i);
            String where = "convolutional stage " + i;
            int kh = st.conv() != null ? st.conv().kernelH() : st.pool().kernelH();
            int kw = st.conv() != null ? st.conv().kernelW() : st.pool().kernelW();
            int[] rows;
            int[] cols;
            int[] src;
            if (st.conv() != null) {
                ConvLayerSpec s = st.conv();
                rows = SpatialGeometry.axis(h, kh, s.strideH(), s.dilationH(), s.same(), s.padH(), where + " (height)");
                cols = SpatialGeometry.axis(w, kw, s.strideW(), s.dilationW(), s.same(), s.padW(), where + " (width)");
                src = SpatialGeometry.taps(h, w, kh, kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), rows, cols);
                double fanIn = (double) channels * kh * kw;
                steps.add(new Linear(h * w, rows[0] * cols[0], kh * kw, src, s.weightVariance(), s.biasVariance(),
                        par == Parameterization.STANDARD ? fanIn : s.weightVariance(),
                        par == Parameterization.STANDARD ? (s.bias() ? 1 : 0) : s.biasVariance()));
                steps.add(new Activation(rows[0] * cols[0], act.size(), s.activation(), s.biasMean(), moments));
                act.add(rows[0] * cols[0]);
                channels = s.channels();
            } else {
                AvgPoolSpec s = st.pool();
                rows = SpatialGeometry.axis(h, kh, s.strideH(), s.dilationH(), s.same(), s.padH(), where + " (height)");
                cols = SpatialGeometry.axis(w, kw, s.strideW(), s.dilationW(), s.same(), s.padW(), where + " (width)");
                src = SpatialGeometry.taps(h, w, kh, kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), rows, cols);
                steps.add(Pool.window(h * w, rows[0] * cols[0], kh * kw, src, s.includePadInDivisor()));
            }
            h = rows[0];
            w = cols[0];
            int p = h * w;
            cap = Math.max(cap, full ? p * p : p);
        }
        int[] readoutShape = {channels, h, w};
        int p = h * w;
        double width;
        DenseLayerSpec first = dense.get(0);
        if (readout == Readout.FLATTEN) {
            int[] src = new int[p];
            for (int i = 0; i < p; i++) {
                src[i] = i;
            }
            width = (double) channels * p;
            steps.add(new Linear(p, 1, p, src, first.weightVariance(), first.biasVariance(),
                    par == Parameterization.STANDARD ? width : first.weightVariance(), biasFactor(first, par)));
        } else {
            steps.add(Pool.global(p, readout == Readout.GLOBAL_AVERAGE ? 1.0 / p : 1.0));
            width = channels;
            steps.add(dense(first, width, par));
        }
        for (int l = 1; l < dense.size(); l++) {
            DenseLayerSpec prev = dense.get(l - 1);
            steps.add(new Activation(1, act.size(), prev.activation(), prev.biasMean(), moments));
            act.add(1);
            steps.add(dense(dense.get(l), prev.width(), par));
        }
        int[] ap = act.stream().mapToInt(Integer::intValue).toArray();
        return new ConvRecursion(List.copyOf(steps), full, c0, p0, cap, ap, readoutShape);
    }

    private static Linear dense(DenseLayerSpec s, double fanIn, Parameterization par) {
        return new Linear(1, 1, 1, new int[]{0}, s.weightVariance(), s.biasVariance(),
                par == Parameterization.STANDARD ? fanIn : s.weightVariance(), biasFactor(s, par));
    }

    private static double biasFactor(DenseLayerSpec s, Parameterization par) {
        return par == Parameterization.STANDARD ? (s.bias() ? 1 : 0) : s.biasVariance();
    }

    /** @return {@code [C, H, W]} of the activations that the readout sees */
    public int[] readoutShape() {
        return readoutShape.clone();
    }

    /** @return pixels of each activation step's state, in order */
    public int[] activationPixels() {
        return activationPixels.clone();
    }

    /** @return whether every pixel pair is carried */
    public boolean full() {
        return full;
    }

    /** @return a fresh per-thread workspace */
    public Work newWork() {
        return new Work(capacity);
    }

    /**
     * Runs the recursion for one pair.
     *
     * @param x1     example 1, channel-major {@code [C0·P0]}
     * @param x2     example 2
     * @param var1   per activation step, the pre-activation variance of each pixel of example 1; filled when
     *               {@code record} (then {@code x2 == x1} and {@code var2 == var1})
     * @param var2   the same for example 2
     * @param record whether this is the self-pair run that fills {@code var1}
     * @param out    receives NNGP at 0 and NTK at 1
     */
    public void run(double[] x1, double[] x2, double[][] var1, double[][] var2, boolean record, Work wk, double[] out) {
        int c0 = inputChannels;
        int p0 = inputPixels;
        double inv = 1.0 / c0;
        double[] a = wk.a;
        if (full) {
            java.util.Arrays.fill(a, 0, p0 * p0, 0.0);
            for (int c = 0; c < c0; c++) {
                int off = c * p0;
                for (int p = 0; p < p0; p++) {
                    double u = x1[off + p] * inv;
                    if (u == 0) {
                        continue;
                    }
                    int row = p * p0;
                    for (int q = 0; q < p0; q++) {
                        a[row + q] += u * x2[off + q];
                    }
                }
            }
        } else {
            for (int p = 0; p < p0; p++) {
                double s = 0;
                for (int c = 0; c < c0; c++) {
                    s += x1[c * p0 + p] * x2[c * p0 + p];
                }
                a[p] = s * inv;
            }
        }
        java.util.Arrays.fill(wk.b, 0, full ? p0 * p0 : p0, 0.0);
        for (Step s : steps) {
            s.apply(wk, full, var1, var2, record);
            wk.swap();
        }
        out[0] = wk.a[0];
        out[1] = wk.b[0];
    }

    /** Buffers of one thread. */
    public static final class Work {
        double[] a;
        double[] b;
        double[] na;
        double[] nb;
        final double[] r1;
        final double[] r2;
        final double[] k11;
        final double[] k22;
        final double[] e;

        Work(int capacity) {
            a = new double[capacity];
            b = new double[capacity];
            na = new double[capacity];
            nb = new double[capacity];
            r1 = new double[capacity];
            r2 = new double[capacity];
            k11 = new double[capacity];
            k22 = new double[capacity];
            e = new double[capacity];
        }

        void swap() {
            double[] t = a;
            a = na;
            na = t;
            t = b;
            b = nb;
            nb = t;
        }
    }

    /** One step: reads {@code a, b}, writes {@code na, nb}. */
    private interface Step {
        void apply(Work w, boolean full, double[][] var1, double[][] var2, boolean record);
    }

    /** K = σ² A(Ĉ) + σ_b², Θ = α A(Ĉ) + γ + σ² A(T), A averaging same-offset taps of both pixels. */
    private record Linear(int inP, int outP, int taps, int[] src, double wv, double sb2, double alpha, double gamma)
            implements Step {
        @Override
        public void apply(Work w, boolean full, double[][] var1, double[][] var2, boolean record) {
            double scale = 1.0 / taps;
            double kw = wv * scale;
            double tw = alpha * scale;
            double[] a = w.a;
            double[] b = w.b;
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
                    w.na[p] = kw * sc + sb2;
                    w.nb[p] = tw * sc + gamma + kw * st;
                }
                return;
            }
            for (int p = 0; p < outP; p++) {
                int bp = p * taps;
                for (int q = 0; q < outP; q++) {
                    int bq = q * taps;
                    double sc = 0;
                    double st = 0;
                    for (int o = 0; o < taps; o++) {
                        int s1 = src[bp + o];
                        int s2 = src[bq + o];
                        if (s1 >= 0 && s2 >= 0) {
                            int idx = s1 * inP + s2;
                            sc += a[idx];
                            st += b[idx];
                        }
                    }
                    w.na[p * outP + q] = kw * sc + sb2;
                    w.nb[p * outP + q] = tw * sc + gamma + kw * st;
                }
            }
        }
    }

    /** Ĉ = E[φ(u)φ(v)], T = E[φ'(u)φ'(v)]·Θ, per pixel pair, (u, v) with the variances of their own pixels. */
    private record Activation(int pixels, int index, Nonlinearity phi, double mean, GaussianMoments moments)
            implements Step {
        @Override
        public void apply(Work w, boolean full, double[][] var1, double[][] var2, boolean record) {
            int p = pixels;
            int len = full ? p * p : p;
            if (record) {
                double[] v = new double[p];
                for (int i = 0; i < p; i++) {
                    v[i] = full ? w.a[i * p + i] : w.a[i];
                }
                var1[index] = v;
            }
            double[] v1 = var1[index];
            double[] v2 = record ? v1 : var2[index];
            if (full) {
                for (int i = 0; i < p; i++) {
                    double vi = v1[i];
                    for (int j = 0; j < p; j++) {
                        w.k11[i * p + j] = vi;
                        w.k22[i * p + j] = v2[j];
                    }
                }
            } else {
                System.arraycopy(v1, 0, w.k11, 0, p);
                System.arraycopy(v2, 0, w.k22, 0, p);
            }
            moments.compute(phi, mean, w.k11, w.a, w.k22, len, w.na, w.e);
            for (int i = 0; i < len; i++) {
                w.nb[i] = w.e[i] * w.b[i];
            }
        }
    }

    /** (Ĉ, T) ↦ (M Ĉ Mᵀ, M T Mᵀ), M a window average (needs the full state). */
    private record Pool(int inP, int outP, int taps, int[] src, double[] weight) implements Step {
        static Pool window(int inP, int outP, int taps, int[] src, boolean includePad) {
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
            return new Pool(inP, outP, taps, src, wt);
        }

        static Pool global(int inP, double weight) {
            int[] src = new int[inP];
            double[] wt = new double[inP];
            for (int i = 0; i < inP; i++) {
                src[i] = i;
                wt[i] = weight;
            }
            return new Pool(inP, 1, inP, src, wt);
        }

        @Override
        public void apply(Work w, boolean full, double[][] var1, double[][] var2, boolean record) {
            if (!full) {
                throw new IllegalStateException("pooling needs the full pixel-pair state");
            }
            // pass 1: R = M X, [outP, inP]; pass 2: out = R Mᵀ, [outP, outP]
            for (int p = 0; p < outP; p++) {
                int rowR = p * inP;
                java.util.Arrays.fill(w.r1, rowR, rowR + inP, 0.0);
                java.util.Arrays.fill(w.r2, rowR, rowR + inP, 0.0);
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
        }
    }
}
