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
 * moments; pooling steps map {@code (Ĉ, T)} to {@code (MĈMᵀ, MTMᵀ)} (see {@link ConvSteps}, {@link ConvActivation}).
 * Immutable; {@link #run} is thread-safe given one {@link Work} per thread. Each example first runs with itself
 * ({@code record}), which stores its per-pixel variances and, for activations integrated by the error-controlled rule,
 * its {@link HermiteTable}s in its {@link Example}; pairs then read both.
 */
public final class ConvRecursion {
    private final List<ConvSteps.Step> steps;
    private final boolean full;
    private final int inputChannels;
    private final int inputPixels;
    private final int capacity;
    private final int[] activationPixels;
    private final int[] readoutShape;
    private final int pools;
    private final double tolerance;
    private final double target;

    private ConvRecursion(List<ConvSteps.Step> steps, boolean full, int c0, int p0, int capacity, int[] activationPixels,
                          int[] readoutShape, int pools, double tolerance, double target) {
        this.pools = pools;
        this.tolerance = tolerance;
        this.target = target;
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
     * @param fixed whether the expert fixed Gauss–Hermite rule ({@code moments}) replaces the error-controlled one
     * @param tolerance the error-controlled rule's tolerance for the whole kernel
     * @return the plan
     * @throws IllegalArgumentException when the image is too small for a layer
     */
    public static ConvRecursion compile(int c0, int h, int w, List<ConvStage> stages, Readout readout,
                                        List<DenseLayerSpec> dense, Parameterization par, boolean full,
                                        boolean fixed, double tolerance, GaussianMoments moments) {
        int depth = dense.size() + (int) stages.stream().filter(st -> st.conv() != null).count();
        double target = 0.05 * tolerance / ((double) depth * depth);
        List<ConvSteps.Step> steps = new ArrayList<>();
        List<Integer> act = new ArrayList<>();
        int p0 = h * w;
        int channels = c0;
        int cap = full ? h * w * h * w : h * w;
        int pools = 0;
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
                steps.add(new ConvSteps.Linear(h * w, rows[0] * cols[0], kh * kw, src, s.weightVariance(), s.biasVariance(),
                        par == Parameterization.STANDARD ? fanIn : s.weightVariance(),
                        par == Parameterization.STANDARD ? (s.bias() ? 1 : 0) : s.biasVariance()));
                steps.add(new ConvActivation(rows[0] * cols[0], full, act.size(), s.activation(), s.biasMean(), fixed,
                        moments, target));
                act.add(rows[0] * cols[0]);
                channels = s.channels();
            } else {
                AvgPoolSpec s = st.pool();
                rows = SpatialGeometry.axis(h, kh, s.strideH(), s.dilationH(), s.same(), s.padH(), where + " (height)");
                cols = SpatialGeometry.axis(w, kw, s.strideW(), s.dilationW(), s.same(), s.padW(), where + " (width)");
                src = SpatialGeometry.taps(h, w, kh, kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), rows, cols);
                steps.add(ConvSteps.Pool.window(h * w, rows[0] * cols[0], kh * kw, src, s.includePadInDivisor(),
                        pools++));
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
            steps.add(new ConvSteps.Linear(p, 1, p, src, first.weightVariance(), first.biasVariance(),
                    par == Parameterization.STANDARD ? width : first.weightVariance(), biasFactor(first, par)));
        } else {
            steps.add(ConvSteps.Pool.global(p, readout == Readout.GLOBAL_AVERAGE ? 1.0 / p : 1.0, pools++));
            width = channels;
            steps.add(dense(first, width, par));
        }
        for (int l = 1; l < dense.size(); l++) {
            DenseLayerSpec prev = dense.get(l - 1);
            steps.add(new ConvActivation(1, full, act.size(), prev.activation(), prev.biasMean(), fixed, moments,
                    target));
            act.add(1);
            steps.add(dense(dense.get(l), prev.width(), par));
        }
        int[] ap = act.stream().mapToInt(Integer::intValue).toArray();
        return new ConvRecursion(List.copyOf(steps), full, c0, p0, cap, ap, readoutShape, pools, tolerance, target);
    }

    private static ConvSteps.Linear dense(DenseLayerSpec s, double fanIn, Parameterization par) {
        return new ConvSteps.Linear(1, 1, 1, new int[]{0}, s.weightVariance(), s.biasVariance(),
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

    /** @return input channels */
    public int inputChannels() {
        return inputChannels;
    }

    /** @return input pixels {@code H·W} */
    public int inputPixels() {
        return inputPixels;
    }

    /** @return whether every pixel pair is carried */
    public boolean full() {
        return full;
    }

    /** @return whether some activation uses the error-controlled rule (then {@link Example}s hold tables) */
    public boolean usesTables() {
        return steps.stream().anyMatch(ConvSteps.Step::usesTables);
    }

    /** @return the number of activation steps */
    public int activations() {
        return activationPixels.length;
    }

    /** @return the kernel's tolerance */
    public double tolerance() {
        return tolerance;
    }

    /** @return the default per-entry accuracy goal of the error-controlled rule, {@code 0.05·tol/D²} */
    public double entryTarget() {
        return target;
    }

    /** @return the number of pooling steps (average poolings and a global readout) */
    public int poolings() {
        return pools;
    }

    /**
     * @param poolAmplification per pooling step, the largest error magnification recorded ({@link Work#amplification()})
     * @return per activation step, the product of the magnifications of the poolings after it: how much its entry errors,
     *         relative to their Cauchy–Schwarz scales, can grow relative to the output's
     */
    public double[] errorGain(double[] poolAmplification) {
        double[] gain = new double[activationPixels.length];
        double g = 1.0;
        for (int i = steps.size() - 1; i >= 0; i--) {
            ConvSteps.Step s = steps.get(i);
            if (s.poolIndex() >= 0) {
                g *= poolAmplification[s.poolIndex()];
            } else if (s.activationIndex() >= 0) {
                gain[s.activationIndex()] = g;
            }
        }
        return gain;
    }

    /**
     * @param goal per activation, the factor (≤ 1) applied to its per-entry accuracy goal; read live, shared by threads
     * @return a fresh per-thread workspace
     */
    public Work newWork(double[] goal) {
        return new Work(capacity, activationPixels.length, pools, goal);
    }

    /** @return a fresh per-example state for {@code x} (channel-major {@code [C0·P0]}) */
    public Example newExample(double[] x) {
        return new Example(x, activationPixels.length);
    }

    /**
     * Runs the recursion for one pair.
     *
     * @param e1     example 1
     * @param e2     example 2
     * @param record whether this is the self-pair run that fills {@code e1} (then {@code e2 == e1})
     * @param wk     this thread's buffers; its {@link Work#errors()} accumulate the error estimates
     * @param out    receives NNGP at 0 and NTK at 1
     */
    public void run(Example e1, Example e2, boolean record, Work wk, double[] out) {
        int c0 = inputChannels;
        int p0 = inputPixels;
        double inv = 1.0 / c0;
        double[] a = wk.a;
        double[] x1 = e1.x;
        double[] x2 = e2.x;
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
        for (ConvSteps.Step s : steps) {
            s.apply(wk, full, e1, e2, record);
            wk.swap();
        }
        out[0] = wk.a[0];
        out[1] = wk.b[0];
    }

    /** One example's input and what its own run recorded: per activation step, pixel variances and tables. */
    public static final class Example {
        final double[] x;
        final double[][] variances;
        final HermiteTable[] tables;

        Example(double[] x, int activations) {
            this.x = x;
            this.variances = new double[activations][];
            this.tables = new HermiteTable[activations];
        }
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
        final double[] pair = new double[2];
        final double[] result = new double[2];
        final double[] errors;
        final double[] amplification;

        final double[] goal;

        Work(int capacity, int activations, int pools, double[] goal) {
            this.goal = goal;
            amplification = new double[pools];
            java.util.Arrays.fill(amplification, 1.0);
            a = new double[capacity];
            b = new double[capacity];
            na = new double[capacity];
            nb = new double[capacity];
            r1 = new double[capacity];
            r2 = new double[capacity];
            k11 = new double[capacity];
            k22 = new double[capacity];
            e = new double[capacity];
            errors = new double[activations];
        }

        /** @return a two-element array for {@link #run}'s result, owned by this workspace */
        public double[] output() {
            return result;
        }

        /** @return per activation step, the largest estimated relative error met by this thread (live array) */
        public double[] errors() {
            return errors;
        }

        /** @return per pooling step, the largest error magnification of the examples this thread ran (live array) */
        public double[] amplification() {
            return amplification;
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
}
