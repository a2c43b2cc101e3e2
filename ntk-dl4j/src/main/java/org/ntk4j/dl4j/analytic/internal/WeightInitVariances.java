package org.ntk4j.dl4j.analytic.internal;

import org.deeplearning4j.nn.conf.distribution.Distribution;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.nn.weights.WeightInitLecunUniform;
import org.deeplearning4j.nn.weights.WeightInitNormal;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.nn.weights.WeightInitReluUniform;
import org.deeplearning4j.nn.weights.WeightInitSigmoidUniform;
import org.deeplearning4j.nn.weights.WeightInitUniform;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanAvg;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanIn;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanOut;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanAvg;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanIn;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanOut;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.deeplearning4j.nn.weights.WeightInitXavierLegacy;
import org.deeplearning4j.nn.weights.WeightInitXavierUniform;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-entry variance of DL4J's weight initialisations (DL4J 1.0.0-M2.1, {@code org.deeplearning4j.nn.weights}),
 * for a dense weight matrix {@code [fanIn, fanOut]}. All are zero-mean; uniform ones {@code U(−a, a)} have variance
 * {@code a²/3}; the infinite-width limit only depends on the variance (central limit theorem).
 * <ul>
 *   <li>NORMAL = LECUN_NORMAL = XAVIER_FAN_IN: N(0, 1/fanIn); RELU: N(0, 2/fanIn); XAVIER: N(0, 2/(fanIn+fanOut));
 *       XAVIER_LEGACY: N(0, 1/(fanIn+fanOut));</li>
 *   <li>UNIFORM: a = 1/√fanIn → 1/(3 fanIn); LECUN_UNIFORM: a = 3/√fanIn → 3/fanIn; RELU_UNIFORM: a = √(6/fanIn) →
 *       2/fanIn; XAVIER_UNIFORM: a = √(6/(fanIn+fanOut)) → 2/(fanIn+fanOut); SIGMOID_UNIFORM:
 *       a = 4√(6/(fanIn+fanOut)) → 32/(fanIn+fanOut);</li>
 *   <li>VAR_SCALING_UNIFORM_FAN_IN/OUT/AVG(scale): a = scale·3/√fan → 3 scale²/fan (fan-avg: (fanIn+fanOut)/2);</li>
 *   <li>VAR_SCALING_NORMAL_FAN_IN/OUT/AVG(scale): σ² = scale/fan (fan-avg: 2 scale/(fanIn+fanOut)), drawn by ND4J's
 *       {@code TruncatedNormalDistribution} op, which bounds draws to ±2σ but does not produce an exactly truncated
 *       normal (that would keep 0.7737 σ²): its variance, <em>measured</em> on 6·10⁶ draws of ND4J 1.0.0-M2.1 at three
 *       scales, is {@value #ND4J_TRUNCATED_NORMAL_FACTOR} σ² (±0.1%); the kernels of these initialisations carry that
 *       uncertainty;</li>
 *   <li>DISTRIBUTION with {@code NormalDistribution(0, std)} (or the deprecated {@code GaussianDistribution}):
 *       std²; with {@code UniformDistribution(lower, upper)} and {@code lower = −upper}: (upper − lower)²/12.</li>
 * </ul>
 */
public final class WeightInitVariances {
    private WeightInitVariances() {
    }

    /** Variance of a weight entry as a function of fan-in and fan-out. */
    @FunctionalInterface
    public interface Rule {
        /** @return the per-entry variance */
        double variance(double fanIn, double fanOut);
    }

    /**
     * Variance of ND4J's {@code TruncatedNormalDistribution(0, σ)} draws divided by σ², measured (see class javadoc).
     */
    public static final double ND4J_TRUNCATED_NORMAL_FACTOR = 0.7575;

    private static final Map<Class<? extends IWeightInit>, Function<IWeightInit, Rule>> RULES = new LinkedHashMap<>();

    static {
        RULES.put(WeightInitNormal.class, w -> (fi, fo) -> 1.0 / fi);
        RULES.put(WeightInitRelu.class, w -> (fi, fo) -> 2.0 / fi);
        RULES.put(WeightInitXavier.class, w -> (fi, fo) -> 2.0 / (fi + fo));
        RULES.put(WeightInitXavierLegacy.class, w -> (fi, fo) -> 1.0 / (fi + fo));
        RULES.put(WeightInitXavierUniform.class, w -> (fi, fo) -> 2.0 / (fi + fo));
        RULES.put(WeightInitUniform.class, w -> (fi, fo) -> 1.0 / (3.0 * fi));
        RULES.put(WeightInitLecunUniform.class, w -> (fi, fo) -> 3.0 / fi);
        RULES.put(WeightInitReluUniform.class, w -> (fi, fo) -> 2.0 / fi);
        RULES.put(WeightInitSigmoidUniform.class, w -> (fi, fo) -> 32.0 / (fi + fo));
        RULES.put(WeightInitVarScalingUniformFanIn.class,
                w -> (fi, fo) -> 3.0 * sq(scale(((WeightInitVarScalingUniformFanIn) w).getScale())) / fi);
        RULES.put(WeightInitVarScalingUniformFanOut.class,
                w -> (fi, fo) -> 3.0 * sq(scale(((WeightInitVarScalingUniformFanOut) w).getScale())) / fo);
        RULES.put(WeightInitVarScalingUniformFanAvg.class,
                w -> (fi, fo) -> 6.0 * sq(scale(((WeightInitVarScalingUniformFanAvg) w).getScale())) / (fi + fo));
        RULES.put(WeightInitVarScalingNormalFanIn.class,
                w -> (fi, fo) -> ND4J_TRUNCATED_NORMAL_FACTOR * scale(((WeightInitVarScalingNormalFanIn) w).getScale()) / fi);
        RULES.put(WeightInitVarScalingNormalFanOut.class,
                w -> (fi, fo) -> ND4J_TRUNCATED_NORMAL_FACTOR * scale(((WeightInitVarScalingNormalFanOut) w).getScale()) / fo);
        RULES.put(WeightInitVarScalingNormalFanAvg.class, w -> (fi, fo) ->
                ND4J_TRUNCATED_NORMAL_FACTOR * 2.0 * scale(((WeightInitVarScalingNormalFanAvg) w).getScale()) / (fi + fo));
        RULES.put(WeightInitDistribution.class, WeightInitVariances::distributionRule);
    }

    private static final String SUPPORTED = "NORMAL, LECUN_NORMAL, XAVIER_FAN_IN, RELU, XAVIER, XAVIER_LEGACY, "
            + "XAVIER_UNIFORM, UNIFORM, LECUN_UNIFORM, RELU_UNIFORM, SIGMOID_UNIFORM, VAR_SCALING_{NORMAL,UNIFORM}_"
            + "FAN_{IN,OUT,AVG}, and DISTRIBUTION with NormalDistribution(0, std) or UniformDistribution(-a, a)";

    /**
     * @param init  a layer's weight initialisation
     * @param where the layer, for messages, e.g. {@code "layer 1 (DenseLayer)"}
     * @return its variance rule
     * @throws IllegalArgumentException for initialisations without a Gaussian infinite-width limit
     */
    public static Rule of(IWeightInit init, String where) {
        if (init == null) {
            throw new IllegalArgumentException(where + " has no weight initialisation; set .weightInit(WeightInit.XAVIER) "
                    + "or another supported scheme: " + SUPPORTED);
        }
        Function<IWeightInit, Rule> f = RULES.get(init.getClass());
        if (f == null) {
            throw new IllegalArgumentException(where + ": weight initialisation " + init.getClass().getSimpleName()
                    + " has no infinite-width Gaussian limit supported by ntk4j (zero, constant, identity and "
                    + "orthogonal initialisations are not random i.i.d. zero-mean); supported: " + SUPPORTED);
        }
        try {
            return f.apply(init);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Rule distributionRule(IWeightInit init) {
        Distribution d = distributionOf((WeightInitDistribution) init);
        if (d instanceof NormalDistribution n) {
            requireZeroMean(n.getMean(), n.getStd(), "NormalDistribution(" + n.getMean() + ", " + n.getStd() + ")");
            double v = n.getStd() * n.getStd();
            return (fi, fo) -> v;
        }
        if (d instanceof UniformDistribution u) {
            double mean = 0.5 * (u.getLower() + u.getUpper());
            double width = u.getUpper() - u.getLower();
            requireZeroMean(mean, width, "UniformDistribution(" + u.getLower() + ", " + u.getUpper() + ")");
            double v = width * width / 12.0;
            return (fi, fo) -> v;
        }
        throw new IllegalArgumentException("weight distribution " + (d == null ? "null" : d.getClass().getSimpleName())
                + " is not supported; use NormalDistribution(0, std) or UniformDistribution(-a, a)");
    }

    private static void requireZeroMean(double mean, double scale, String what) {
        if (Math.abs(mean) > 1e-12 * Math.max(1.0, Math.abs(scale))) {
            throw new IllegalArgumentException("weights from " + what + " have mean " + mean + " != 0: non-zero-mean "
                    + "weights have no infinite-width limit (the mean term grows with the width); centre the distribution");
        }
    }

    private static Distribution distributionOf(WeightInitDistribution w) {
        try {
            Field f = WeightInitDistribution.class.getDeclaredField("distribution");
            f.setAccessible(true);
            return (Distribution) f.get(w);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the distribution of a WeightInitDistribution "
                    + "(DL4J version other than 1.0.0-M2.1?): " + e, e);
        }
    }

    private static double scale(Double s) {
        return s == null ? 1.0 : s;
    }

    private static double sq(double x) {
        return x * x;
    }
}
