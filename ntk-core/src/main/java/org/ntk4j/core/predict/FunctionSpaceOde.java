package org.ntk4j.core.predict;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.linalg.Matrices;
import org.ntk4j.core.predict.internal.Arguments;
import org.ntk4j.core.predict.internal.Shapes;

import java.util.Arrays;

/**
 * Outputs of a linearized network trained by gradient flow on any differentiable loss, by integrating the
 * function-space ODE {@code df/dt = −(1/n) Θ ∇_f ℓ(f, y)} with Commons Math's adaptive Dormand–Prince 8(5,3)
 * Runge–Kutta integrator; test outputs follow {@code d(f*)/dt = −(1/n) Θ*X ∇_f ℓ(f, y)}.
 *
 * <p>Use it where no closed form exists (e.g. {@link FunctionSpaceLoss#softmaxCrossEntropy()}); for the mean squared
 * error {@link GradientDescentMse} is exact and faster. The factor {@code 1/n} is DL4J's division of the summed
 * gradient by the minibatch size, so {@code t = η·s} for {@code s} full-batch steps at learning rate η (as
 * {@link GradientDescentMse}). The integration runs in DOUBLE; results are returned in the kernel's data type.
 *
 * <pre>{@code
 * FunctionSpaceOde ode = FunctionSpaceOde.builder(thetaTrain, yTrain)         // [n·o, n·o], [n, o]
 *         .initialOutputs(logits0).loss(FunctionSpaceLoss.softmaxCrossEntropy()).build();
 * Prediction p = ode.atTime(5.0, thetaTestTrain, logits0Test);
 * }</pre>
 */
public final class FunctionSpaceOde {
    private final INDArray kernel;
    private final INDArray targets;
    private final INDArray initial;
    private final FunctionSpaceLoss loss;
    private final double scale;
    private final double relTol;
    private final double absTol;
    private final DataType type;
    private final long n;
    private final long o;

    private FunctionSpaceOde(Builder b, INDArray kernel, INDArray targets, INDArray initial, DataType type) {
        this.kernel = kernel;
        this.targets = targets;
        this.initial = initial;
        this.loss = b.loss;
        this.n = targets.size(0);
        this.o = targets.size(1);
        this.scale = b.scale != null ? b.scale : 1.0 / n;
        this.relTol = b.relativeTolerance;
        this.absTol = b.absoluteTolerance;
        this.type = type;
    }

    /**
     * @param trainKernel  flat training kernel {@code [n·o, n·o]}
     * @param trainTargets {@code [n, o]}
     * @return a builder (loss: {@link FunctionSpaceLoss#mse()} unless set)
     */
    public static Builder builder(INDArray trainKernel, INDArray trainTargets) {
        return new Builder(trainKernel, trainTargets);
    }

    /**
     * Integrates from 0 to {@code t}.
     *
     * @param t               time ≥ 0, finite
     * @param testTrainKernel {@code [nt·o, n·o]}, or {@code null}
     * @param testInitial     {@code [nt, o]}, or {@code null} for zero
     * @return train {@code [n, o]} and test {@code [nt, o]} (or {@code null}) outputs at time t
     * @throws ArithmeticException when the integrator cannot reach t within its tolerances
     */
    public Prediction atTime(double t, INDArray testTrainKernel, INDArray testInitial) {
        Shapes.requireTime(t);
        if (Double.isInfinite(t)) {
            throw new IllegalArgumentException("the ODE is integrated to a finite time (got: " + t + ")");
        }
        long m = n * o;
        INDArray kt = null;
        long nt = 0;
        INDArray f0t = null;
        if (testTrainKernel != null) {
            Matrices.requireFloatingMatrix(testTrainKernel, "test-train kernel");
            if (testTrainKernel.size(0) % o != 0 || testTrainKernel.size(1) != m) {
                throw new IllegalArgumentException("test-train kernel must be [nt·" + o + ", " + m + "], got "
                        + Arrays.toString(testTrainKernel.shape()));
            }
            nt = testTrainKernel.size(0) / o;
            kt = testTrainKernel.castTo(DataType.DOUBLE);
            f0t = Shapes.outputsOrZeros(testInitial, "test initial outputs", nt, o, "test initial outputs",
                    DataType.DOUBLE);
        } else if (testInitial != null) {
            throw new IllegalArgumentException("test initial outputs given without the test-train kernel");
        }
        final INDArray ktFinal = kt;
        final int mi = (int) m;
        final int mt = (int) (nt * o);
        double[] state = new double[mi + mt];
        System.arraycopy(Shapes.column(initial).data().asDouble(), 0, state, 0, mi);
        if (f0t != null) {
            System.arraycopy(Shapes.column(f0t).data().asDouble(), 0, state, mi, mt);
        }
        FirstOrderDifferentialEquations eq = new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return mi + mt;
            }

            @Override
            public void computeDerivatives(double time, double[] y, double[] yDot) {
                INDArray f = Nd4j.createFromArray(Arrays.copyOf(y, mi)).reshape('c', n, o);
                INDArray g = loss.gradient(f, targets);
                if (g == null || g.rank() != 2 || g.size(0) != n || g.size(1) != o) {
                    throw new IllegalStateException("loss gradient must be [" + n + ", " + o + "], got "
                            + (g == null ? "null" : Arrays.toString(g.shape())));
                }
                INDArray gc = Shapes.column(g.castTo(DataType.DOUBLE));
                double[] dTrain = kernel.mmul(gc).muli(-scale).data().asDouble();
                System.arraycopy(dTrain, 0, yDot, 0, mi);
                if (ktFinal != null && mt > 0) {
                    double[] dTest = ktFinal.mmul(gc).muli(-scale).data().asDouble();
                    System.arraycopy(dTest, 0, yDot, mi, mt);
                }
            }
        };
        if (t > 0) {
            DormandPrince853Integrator integrator = new DormandPrince853Integrator(0.0, t, absTol, relTol);
            try {
                integrator.integrate(eq, 0.0, state, t, state);
            } catch (MathIllegalStateException e) {
                throw new ArithmeticException("ODE integration to t = " + t + " failed: " + e.getMessage()
                        + "; loosen the tolerances or check the kernel scale");
            }
        }
        INDArray train = Nd4j.createFromArray(Arrays.copyOf(state, mi)).reshape('c', n, o).castTo(type);
        INDArray test = null;
        if (kt != null) {
            test = Nd4j.createFromArray(Arrays.copyOfRange(state, mi, mi + mt)).reshape('c', nt, o).castTo(type);
        }
        return new Prediction(train, test);
    }

    /** Validated builder of {@link FunctionSpaceOde}. */
    public static final class Builder {
        private final INDArray trainKernel;
        private final INDArray trainTargets;
        private INDArray initialOutputs;
        private FunctionSpaceLoss loss = FunctionSpaceLoss.mse();
        private Double scale;
        private double relativeTolerance = 1e-9;
        private double absoluteTolerance = 1e-12;

        private Builder(INDArray trainKernel, INDArray trainTargets) {
            this.trainKernel = trainKernel;
            this.trainTargets = trainTargets;
        }

        /**
         * @param f0 {@code [n, o]} outputs at initialisation (default zero)
         * @return this
         */
        public Builder initialOutputs(INDArray f0) {
            this.initialOutputs = f0;
            return this;
        }

        /**
         * @param loss per-example loss gradient; not null
         * @return this
         */
        public Builder loss(FunctionSpaceLoss loss) {
            if (loss == null) {
                throw new IllegalArgumentException("loss must not be null");
            }
            this.loss = loss;
            return this;
        }

        /**
         * @param s factor in front of {@code Θ ∇ℓ}, &gt; 0; default {@code 1/n}
         * @return this
         */
        public Builder scale(double s) {
            this.scale = Arguments.requirePositiveFinite(s, "scale");
            return this;
        }

        /**
         * @param rel relative tolerance of the integrator, in (0, 1); default 1e-9
         * @param abs absolute tolerance, &gt; 0; default 1e-12
         * @return this
         */
        public Builder tolerances(double rel, double abs) {
            if (!(rel > 0 && rel < 1) || !(abs > 0) || Double.isInfinite(abs)) {
                throw new IllegalArgumentException("tolerances must be 0 < rel < 1 and abs > 0 (got: rel = " + rel
                        + ", abs = " + abs + ")");
            }
            this.relativeTolerance = rel;
            this.absoluteTolerance = abs;
            return this;
        }

        /** @return the integrator */
        public FunctionSpaceOde build() {
            Matrices.requireFloatingMatrix(trainKernel, "training kernel");
            DataType type = trainKernel.dataType();
            INDArray y = Shapes.trainingTargets(trainTargets, DataType.DOUBLE);
            long n = y.size(0), o = y.size(1);
            if (n * o > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("too many training outputs for the ODE integrator: " + n * o);
            }
            INDArray k = Shapes.kernel(trainKernel, n, n, o, "training kernel", DataType.DOUBLE);
            Matrices.requireFinite(k, "training kernel");
            INDArray f0 = Shapes.outputsOrZeros(initialOutputs, "initial outputs", n, o,
                    "initial outputs (same shape as the targets)", DataType.DOUBLE);
            return new FunctionSpaceOde(this, k.dup(), y.dup(), f0.dup(), type);
        }
    }
}
