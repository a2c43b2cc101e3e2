package org.ntk4j.dl4j.network.internal;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Corrects DL4J's backward pass through SameDiff-backed layers and vertices ({@code SameDiffLayer},
 * {@code SameDiffGraphVertex}: SelfAttentionLayer, LearnedSelfAttentionLayer, RecurrentAttentionLayer, user
 * SameDiffLayer / SameDiffLambdaLayer / SameDiffVertex / SameDiffLambdaVertex).
 *
 * <p>The cause (ND4J 1.0.0-M2.1): such a layer feeds its epsilon into its graph through an
 * {@code ExternalErrorsFunction} on the layer output. Its {@code doDiff} registers the epsilon placeholder as the
 * output's gradient ({@code setGradientForVariableName}) <em>and</em> returns it; {@code DifferentialFunction.diff}
 * then finds a gradient already registered and adds the returned one to it, so the seed of the whole backward pass is
 * {@code eps + eps}. Backpropagation is linear in the seed, hence every gradient the layer returns (parameters and
 * input epsilons) is exactly twice the true vector–Jacobian product (and doubling is exact in floating point).
 *
 * <p>This class does not assume the bug: after the layer's gradient function exists it inspects the graph and returns
 * 0.5 only when the output's gradient is an {@code add} of the epsilon placeholder with itself, 1 when it is the
 * placeholder itself, and refuses any other structure.
 */
final class SameDiffSeed {
    private SameDiffSeed() {
    }

    /**
     * @param impl a DL4J SameDiff layer or vertex implementation after at least one backward pass
     * @param what the unit, for messages
     * @return the factor that turns the layer's gradients into the true ones (0.5 or 1)
     */
    static double correction(Object impl, String what) {
        while (impl instanceof org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer w) { // FrozenLayerWithBackprop
            impl = w.getUnderlying();
        }
        SameDiff sd = (SameDiff) field(impl, "sameDiff", what);
        ExternalErrorsFunction fn = (ExternalErrorsFunction) field(impl, "fn", what);
        if (sd == null || fn == null || sd.getFunction("grad") == null) {
            throw new IllegalStateException(what + ": DL4J did not build the layer's SameDiff gradient function;"
                    + " ntk4j cannot verify its backward pass");
        }
        SameDiff grad = sd.getFunction("grad");
        String out = fn.arg().name();
        String placeholder = fn.getGradPlaceholderName();
        SDVariable g = sd.getGradForVariable(out);
        if (g == null) {
            throw new IllegalStateException(what + ": the SameDiff output '" + out + "' has no gradient");
        }
        if (g.name().equals(placeholder)) {
            return 1.0;
        }
        DifferentialFunction op = grad.getVariableOutputOp(g.name());
        if (op instanceof AddOp) {
            List<String> in = grad.getOps().get(op.getOwnName()).getInputsToOp();
            if (in.size() == 2 && in.get(0).equals(placeholder) && in.get(1).equals(placeholder)) {
                return 0.5;
            }
        }
        throw new UnsupportedOperationException(what + ": unrecognised SameDiff gradient of the layer output ("
                + (op == null ? "none" : op.opName()) + "); ntk4j cannot guarantee an exact kernel for this"
                + " SameDiff-backed layer with this ND4J version");
    }

    private static Object field(Object impl, String name, String what) {
        for (Class<?> c = impl.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(impl);
            } catch (NoSuchFieldException e) {
                // try the superclass
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(what + ": cannot read the SameDiff graph of the layer", e);
            }
        }
        throw new IllegalStateException(what + ": " + impl.getClass().getName() + " has no field '" + name + "'");
    }
}
