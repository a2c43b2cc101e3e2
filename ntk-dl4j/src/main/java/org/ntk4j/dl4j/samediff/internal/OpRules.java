package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BiasAdd;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.XwPlusB;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;

import java.util.Map;
import java.util.Optional;

/**
 * The registry of structured op rules, keyed by the exact SameDiff op class (as {@code LayerRules} is keyed by the DL4J
 * layer configuration class). A trainable variable consumed by an op whose class is not here, or whose rule declines
 * it, takes the exact per-example path. To add a rule: write an {@link OpRule} returning an {@link OpMatch} and put it
 * here.
 */
final class OpRules {
    private static final Map<Class<? extends DifferentialFunction>, OpRule> RULES = Map.of(
            Mmul.class, OpRules::mmul,
            XwPlusB.class, OpRules::xwPlusB,
            Conv2D.class, OpRules::conv2d,
            BiasAdd.class, OpRules::biasAdd,
            AddOp.class, OpRules::add);

    private OpRules() {
    }

    /**
     * @param use a trainable variable's only use
     * @return the structured match, or empty when no rule takes it
     */
    static Optional<OpMatch> match(OpRule.Use use) {
        OpRule rule = RULES.get(use.op().getOp().getClass());
        return rule == null ? Optional.empty() : rule.match(use);
    }

    /** {@code z = A·W}: W as the second input of a plain (untransposed, unscaled) matrix product. */
    private static Optional<OpMatch> mmul(OpRule.Use u) {
        Mmul mm = (Mmul) u.op().getOp();
        if (u.inputs().size() != 2 || u.index() != 1 || u.trainable(0) || !plain(mm)) {
            return Optional.empty();
        }
        return Optional.of(new OpMatch.DenseWeight(u.parameter(), u.opName(), u.inputs().get(0), u.z()));
    }

    /** {@code z = A·W + b} in one op (no transposes). */
    private static Optional<OpMatch> xwPlusB(OpRule.Use u) {
        if (u.inputs().size() != 3 || u.trainable(0) || !zeroIntArgs((DynamicCustomOp) u.op().getOp())) {
            return Optional.empty();
        }
        return switch (u.index()) {
            case 1 -> Optional.of(new OpMatch.DenseWeight(u.parameter(), u.opName(), u.inputs().get(0), u.z()));
            case 2 -> Optional.of(new OpMatch.FusedBias(u.parameter(), u.opName(), u.z()));
            default -> Optional.empty();
        };
    }

    /** An NCHW conv2d in VALID or SAME mode: its kernel (input 1) and bias (input 2). */
    private static Optional<OpMatch> conv2d(OpRule.Use u) {
        Conv2dArgs args = Conv2dArgs.of(((Conv2D) u.op().getOp()).iArgs());
        if ((u.inputs().size() != 2 && u.inputs().size() != 3) || u.trainable(0) || args == null) {
            return Optional.empty();
        }
        return switch (u.index()) {
            case 1 -> Optional.of(new OpMatch.ConvWeight(u.parameter(), u.opName(), u.inputs().get(0), u.z(), args));
            case 2 -> Optional.of(new OpMatch.ConvBias(u.parameter(), u.opName(), u.z(), args));
            default -> Optional.empty();
        };
    }

    /** {@code z = pre + b} by {@code BiasAdd}. */
    private static Optional<OpMatch> biasAdd(OpRule.Use u) {
        if (u.inputs().size() != 2 || u.index() != 1) {
            return Optional.empty();
        }
        return Optional.of(new OpMatch.AddedBias(u.parameter(), u.opName(), u.inputs().get(0), u.z()));
    }

    /** {@code z = pre + b} by a (row-broadcast) {@code add} with a non-trainable other side. */
    private static Optional<OpMatch> add(OpRule.Use u) {
        if (u.inputs().size() != 2 || u.trainable(1 - u.index())) {
            return Optional.empty();
        }
        return Optional.of(new OpMatch.AddedBias(u.parameter(), u.opName(), u.inputs().get(1 - u.index()), u.z()));
    }

    private static boolean plain(Mmul mm) {
        Map<String, Object> props = mm.propertiesForFunction();
        boolean transposeA = Boolean.TRUE.equals(props.get("transposeA"));
        boolean transposeResult = Boolean.TRUE.equals(props.get("transposeResult"));
        long[] ia = mm.iArgs();
        if (ia != null && ((ia.length > 0 && ia[0] != 0) || (ia.length > 2 && ia[2] != 0))) {
            return false;
        }
        double[] t = mm.tArgs();
        boolean unitAlpha = t == null || t.length == 0 || t[0] == 1.0;
        return !transposeA && !transposeResult && unitAlpha;
    }

    private static boolean zeroIntArgs(DynamicCustomOp op) {
        long[] ia = op.iArgs();
        if (ia != null) {
            for (long v : ia) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
