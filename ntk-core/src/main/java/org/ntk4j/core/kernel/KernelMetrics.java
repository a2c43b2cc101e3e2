package org.ntk4j.core.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Scalar summaries of empirical or analytic NTKs: drift, spectrum, alignment with a target, stable learning rate.
 *
 * <p>Every method accepts a kernel in one of two layouts and never modifies it:
 * <ul>
 *   <li>a square matrix {@code [N, N]} — a TRACE kernel {@code [n, n]} (mean over outputs) or any flat kernel;</li>
 *   <li>a FULL kernel {@code [n, n, o, o]}, which is used in its flat example-major form {@code [n·o, n·o]}
 *   (see {@link KernelLayout#flatten(INDArray)}).</li>
 * </ul>
 * All arithmetic is in DOUBLE whatever the kernel's type (FLOAT kernels are converted), outside any ND4J workspace,
 * and the results are plain {@code double}s. ND4J's random generator is never used.
 *
 * <pre>{@code
 * INDArray k0 = ntk.compute(net, probe);              // before training
 * INDArray kt = ntk.compute(net, probe);              // later
 * double drift = KernelMetrics.relativeDrift(kt, k0);  // ||Θt − Θ0||_F / ||Θ0||_F
 * KernelSpectrum s = KernelMetrics.spectrum(kt);       // λmax, λmin, condition number, effective rank
 * double a = KernelMetrics.centredAlignment(kt, probeLabels);
 * double etaMax = KernelMetrics.maxStableLearningRateFromTrace(kt, outputs);
 * }</pre>
 */
public final class KernelMetrics {
    private KernelMetrics() {
    }

    /**
     * Relative Frobenius distance {@code ‖K − R‖_F / ‖R‖_F}: the drift of a kernel from a reference (e.g. Θt from Θ0).
     *
     * @param kernel    the kernel, square or FULL
     * @param reference the reference kernel, same shape
     * @return the relative distance; 0 when both are zero, {@code +∞} when only the reference is zero, NaN when either
     * contains NaN
     */
    public static double relativeDrift(INDArray kernel, INDArray reference) {
        requireKernel(kernel, "kernel");
        requireKernel(reference, "reference");
        if (!Arrays.equals(kernel.shape(), reference.shape())) {
            throw new IllegalArgumentException("kernel and reference must have the same shape, got "
                    + Arrays.toString(kernel.shape()) + " and " + Arrays.toString(reference.shape()));
        }
        double[] k = values(kernel), r = values(reference);
        double num = 0, den = 0;
        for (int i = 0; i < k.length; i++) {
            double d = k[i] - r[i];
            num += d * d;
            den += r[i] * r[i];
        }
        if (Double.isNaN(num) || Double.isNaN(den)) {
            return Double.NaN;
        }
        if (den == 0) {
            return num == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(num) / Math.sqrt(den);
    }

    /**
     * @param kernel square {@code [N, N]} or FULL {@code [n, n, o, o]}
     * @return the trace: {@code Σ_i K[i, i]}, or {@code Σ_i Σ_k K[i, i, k, k]} for a FULL kernel (the trace of its flat
     * form; for the TRACE kernel of the same network this is {@code o} times the trace of the TRACE kernel)
     */
    public static double trace(INDArray kernel) {
        Square m = square(kernel, "kernel");
        double t = 0;
        for (int i = 0; i < m.size; i++) {
            t += m.v[i * m.size + i];
        }
        return t;
    }

    /**
     * Eigenvalues of the symmetric part of a kernel, by LAPACK {@code dsyev} in DOUBLE. Costs {@code O(N³)} for
     * {@code N = n} (TRACE) or {@code N = n·o} (FULL).
     *
     * @param kernel square {@code [N, N]} or FULL {@code [n, n, o, o]}, finite
     * @return its spectrum
     */
    @SuppressWarnings("try") // the workspace scope is used for its side effect
    public static KernelSpectrum spectrum(INDArray kernel) {
        Square m = square(kernel, "kernel");
        for (double v : m.v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("kernel contains NaN or infinite values (got: " + v
                        + "); the network's parameters or inputs are not finite");
            }
        }
        int n = m.size;
        double[] sym = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i * n + j] = 0.5 * (m.v[i * n + j] + m.v[j * n + i]);
            }
        }
        double[] ev;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray a = Nd4j.create(sym, new long[]{n, n}, DataType.DOUBLE).dup('f');
            INDArray w = Nd4j.create(DataType.DOUBLE, n);
            int info = Nd4j.getBlasWrapper().lapack().syev('N', 'U', a, w);
            if (info != 0) {
                throw new IllegalStateException("symmetric eigendecomposition of a " + n + " x " + n
                        + " kernel did not converge (LAPACK dsyev info " + info + ")");
            }
            ev = w.data().asDouble();
        }
        return KernelSpectrum.of(ev);
    }

    /**
     * Centred kernel–target alignment (Cortes, Mohri and Rostamizadeh, JMLR 2012):
     * {@code A = ⟨K_c, L_c⟩_F / (‖K_c‖_F ‖L_c‖_F)}, with {@code K_c = C K C}, {@code L_c = C L C}, and
     * {@code C = I − 11ᵀ/n} the centring over examples.
     * <ul>
     *   <li>Square kernel {@code [n, n]} (e.g. TRACE): labels {@code [n]} or {@code [n, c]} with any {@code c};
     *   the target is {@code L = Y Yᵀ}.</li>
     *   <li>FULL kernel {@code [n, n, o, o]}: labels {@code [n, o]}; the target is {@code L = y yᵀ} with
     *   {@code y = vec(Y)} example-major, and {@code C = (I − 11ᵀ/n) ⊗ I_o} centres each output over examples.</li>
     * </ul>
     * The value lies in {@code [−1, 1]}; it is 1 when the centred kernel is a positive multiple of the centred target.
     *
     * @param kernel the kernel, finite
     * @param labels the targets of the kernel's examples
     * @return the alignment; NaN when the centred kernel or the centred target is zero (e.g. constant labels)
     */
    public static double centredAlignment(INDArray kernel, INDArray labels) {
        Square m = square(kernel, "kernel");
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        long n = kernel.size(0);
        int g = kernel.rank() == 4 ? (int) kernel.size(2) : 1;
        if (labels.rank() > 2 || labels.length() == 0 || labels.size(0) != n) {
            throw new IllegalArgumentException("labels: expected [" + n + (g > 1 ? ", " + g : "") + "] or [" + n
                    + ", c] for a kernel of " + n + " examples, got " + Arrays.toString(labels.shape()));
        }
        int c = labels.rank() == 1 ? 1 : (int) labels.size(1);
        if (g > 1 && c != g) {
            throw new IllegalArgumentException("labels: a FULL kernel with " + g + " outputs needs labels [" + n + ", "
                    + g + "], got " + Arrays.toString(labels.shape()));
        }
        double[] y = values(labels.rank() == 1 ? labels.reshape(n, 1) : labels);
        // centre each label column over examples
        for (int k = 0; k < c; k++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += y[i * c + k];
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                y[i * c + k] -= mean;
            }
        }
        // Z [N, zc]: the centred target factor, L_c = Z Zᵀ
        int size = m.size;
        int zc = g > 1 ? 1 : c;
        double[] z = y; // for FULL, vec(Y) example-major is Y in row-major order, one column
        double num = 0;
        for (int p = 0; p < zc; p++) {
            for (int a = 0; a < size; a++) {
                double za = z[a * zc + p];
                if (za == 0) {
                    continue;
                }
                double row = 0;
                for (int b = 0; b < size; b++) {
                    row += m.v[a * size + b] * z[b * zc + p];
                }
                num += za * row;
            }
        }
        double ztz2 = 0;
        for (int p = 0; p < zc; p++) {
            for (int q = 0; q < zc; q++) {
                double s = 0;
                for (int a = 0; a < size; a++) {
                    s += z[a * zc + p] * z[a * zc + q];
                }
                ztz2 += s * s;
            }
        }
        double kc = centredNorm(m, (int) n, g);
        double den = kc * Math.sqrt(ztz2);
        if (!(den > 0)) {
            return Double.NaN;
        }
        return num / den;
    }

    /** ‖(H⊗I_g) K (H⊗I_g)‖_F for the flat matrix of n examples in groups of g. */
    private static double centredNorm(Square m, int n, int g) {
        int size = m.size;
        double[] rowMean = new double[g * size];   // [k, b]: mean over i of K[(i,k), b]
        double[] colMean = new double[size * g];   // [a, l]: mean over j of K[a, (j,l)]
        double[] grand = new double[g * g];        // [k, l]
        for (int a = 0; a < size; a++) {
            int k = a % g;
            for (int b = 0; b < size; b++) {
                double v = m.v[a * size + b];
                rowMean[k * size + b] += v;
                colMean[a * g + b % g] += v;
                grand[k * g + b % g] += v;
            }
        }
        for (int i = 0; i < rowMean.length; i++) {
            rowMean[i] /= n;
        }
        for (int i = 0; i < colMean.length; i++) {
            colMean[i] /= n;
        }
        for (int i = 0; i < grand.length; i++) {
            grand[i] /= (double) n * n;
        }
        double s = 0;
        for (int a = 0; a < size; a++) {
            int k = a % g;
            for (int b = 0; b < size; b++) {
                int l = b % g;
                double v = m.v[a * size + b] - rowMean[k * size + b] - colMean[a * g + l] + grand[k * g + l];
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * The largest learning rate for which full-batch {@code Sgd(η)} on MSE is stable for the linearised network, with
     * DL4J's normalisation: one step moves the outputs by {@code −(2η/(n·o)) Θ (f − y)}, so the residual contracts
     * iff {@code η < n·o / λmax(Θ)} for the flat kernel {@code Θ} of the {@code n} training examples.
     *
     * @param lambdaMax the largest eigenvalue of the flat {@code [n·o, n·o]} kernel
     * @param examples  n, the examples in the (full) batch
     * @param outputs   o, the network outputs
     * @return {@code n·o / λmax}, or {@code +∞} when {@code λmax ≤ 0}
     */
    public static double maxStableLearningRate(double lambdaMax, long examples, long outputs) {
        if (examples <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("examples and outputs must be > 0 (got: " + examples + ", " + outputs + ")");
        }
        if (Double.isNaN(lambdaMax)) {
            return Double.NaN;
        }
        return lambdaMax > 0 ? (double) examples * outputs / lambdaMax : Double.POSITIVE_INFINITY;
    }

    /**
     * Exact maximum stable learning rate ({@link #maxStableLearningRate(double, long, long)}) from a FULL kernel.
     *
     * @param kernel FULL {@code [n, n, o, o]}, or a square {@code [n, n]} kernel of a single-output network
     * @return {@code n·o / λmax(Θ_flat)}
     */
    public static double maxStableLearningRate(INDArray kernel) {
        requireKernel(kernel, "kernel");
        long o = kernel.rank() == 4 ? kernel.size(2) : 1;
        return maxStableLearningRate(spectrum(kernel).lambdaMax(), kernel.size(0), o);
    }

    /**
     * Maximum stable learning rate from a TRACE kernel {@code Θ̄ = (1/o) Σ_k Θ_kk}, under the approximation
     * {@code Θ_flat ≈ Θ̄ ⊗ I_o} (which has the same largest eigenvalue as {@code Θ̄}): {@code n·o / λmax(Θ̄)}.
     * Since {@code λmax(Θ̄) ≤ λmax(Θ_flat)}, this is an <b>upper bound</b> on the exact value; it is exact for
     * {@code o = 1} and when the output blocks are equal and uncoupled.
     *
     * @param traceKernel TRACE kernel {@code [n, n]}
     * @param outputs     o, the network outputs
     * @return {@code n·o / λmax(Θ̄)}
     */
    public static double maxStableLearningRateFromTrace(INDArray traceKernel, int outputs) {
        requireKernel(traceKernel, "traceKernel");
        if (traceKernel.rank() != 2) {
            throw new IllegalArgumentException("traceKernel: expected a TRACE kernel [n, n], got "
                    + Arrays.toString(traceKernel.shape()) + " (use maxStableLearningRate(fullKernel) for FULL kernels)");
        }
        return maxStableLearningRate(spectrum(traceKernel).lambdaMax(), traceKernel.size(0), outputs);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A square matrix in row-major doubles. */
    private record Square(double[] v, int size) {
    }

    private static Square square(INDArray kernel, String what) {
        requireKernel(kernel, what);
        INDArray flat = kernel.rank() == 4 ? KernelLayout.flatten(kernel) : kernel;
        if (flat.size(0) > 46_340) {
            throw new IllegalArgumentException(what + " of size " + flat.size(0) + " is too large for these metrics"
                    + " (at most 46340 rows); summarise a subset of the examples");
        }
        return new Square(values(flat), (int) flat.size(0));
    }

    private static void requireKernel(INDArray kernel, String what) {
        if (kernel == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        boolean ok = (kernel.rank() == 2 && kernel.size(0) == kernel.size(1))
                || (kernel.rank() == 4 && kernel.size(0) == kernel.size(1) && kernel.size(2) == kernel.size(3));
        if (!ok || kernel.length() == 0) {
            throw new IllegalArgumentException(what + ": expected a square kernel [n, n] or a FULL kernel [n, n, o, o]"
                    + " with n > 0, got " + Arrays.toString(kernel.shape()));
        }
        if (!kernel.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected a FLOAT or DOUBLE kernel, got " + kernel.dataType());
        }
    }

    @SuppressWarnings("try") // the workspace scope is used for its side effect
    private static double[] values(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        }
    }
}
