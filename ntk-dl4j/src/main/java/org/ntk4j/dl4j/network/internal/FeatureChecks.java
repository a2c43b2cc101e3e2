package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.internal.Features;

import java.util.Arrays;

/** Checks of the features given to the empirical NTK against the network's inputs: one clear line per problem. */
public final class FeatureChecks {
    private FeatureChecks() {
    }

    /**
     * @param which "x1" or "x2", for messages
     * @param x     one features array per network input
     * @param plan  the network
     * @param ref   the first set (shapes must agree), or null
     * @param type  the network's data type
     * @return the features cast to the network's type
     */
    public static INDArray[] check(String which, INDArray[] x, ComputePlan plan, INDArray[] ref, DataType type) {
        if (x == null) {
            throw new IllegalArgumentException(which + " must not be null");
        }
        if (x.length != plan.numInputs()) {
            throw new IllegalArgumentException(which + ": the " + plan.kind() + " has " + plan.numInputs()
                    + " input(s), got " + x.length + " features array(s)");
        }
        INDArray[] out = new INDArray[x.length];
        long n = -1;
        for (int i = 0; i < x.length; i++) {
            String name = x.length == 1 ? which : which + "[" + i + "]";
            INDArray a = x[i];
            if (a == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            if (a.rank() < 2) {
                throw new IllegalArgumentException(name + ": expected features [n, ...] with the examples along"
                        + " dimension 0, got shape " + Arrays.toString(a.shape()) + " (reshape a single example to [1, d])");
            }
            if (!a.dataType().isNumerical()) {
                throw new IllegalArgumentException(name + ": unsupported features data type " + a.dataType()
                        + "; use FLOAT or DOUBLE features");
            }
            if (n >= 0 && a.size(0) != n) {
                throw new IllegalArgumentException(which + ": all inputs must have the same number of examples, got "
                        + n + " and " + a.size(0));
            }
            n = a.size(0);
            long[] expected = plan.inputShapes()[i];
            if (expected != null && (a.rank() != expected.length + 1 || !matches(a.shape(), expected))) {
                throw new IllegalArgumentException(name + ": expected features " + Features.shape(expected) + ", got "
                        + Features.shapeOf(a));
            }
            if (ref != null && !Arrays.equals(Arrays.copyOfRange(a.shape(), 1, a.rank()),
                    Arrays.copyOfRange(ref[i].shape(), 1, ref[i].rank())) && !lengthOnly(a, ref[i])) {
                throw new IllegalArgumentException(name + " has shape " + Features.shapeOf(a)
                        + " but x1 has " + Features.shapeOf(ref[i])
                        + ": both must have the network's input shape");
            }
            out[i] = a.dataType().isFPType() ? Features.requireFinite(name, a.castTo(type)) : a.castTo(type);
        }
        return out;
    }

    /** @return whether two sequence arrays differ in one non-example dimension only (their length) */
    private static boolean lengthOnly(INDArray a, INDArray b) {
        if (a.rank() != 3 || b.rank() != 3) {
            return false;
        }
        return (a.size(1) == b.size(1)) != (a.size(2) == b.size(2));
    }

    /**
     * @param which  "mask1" or "mask2", for messages
     * @param masks  per network input a feature mask {@code [n, T]} or null; the array itself may be null
     * @param x      the checked features
     * @param type   the network's data type
     * @return the masks cast to the network's type (null when there are none)
     */
    public static INDArray[] masks(String which, INDArray[] masks, INDArray[] x, DataType type) {
        if (masks == null) {
            return null;
        }
        if (masks.length != x.length) {
            throw new IllegalArgumentException(which + ": expected one mask (or null) per network input, " + x.length
                    + " in all, got " + masks.length);
        }
        INDArray[] out = new INDArray[masks.length];
        for (int i = 0; i < masks.length; i++) {
            INDArray m = masks[i];
            if (m == null) {
                continue;
            }
            String name = masks.length == 1 ? which : which + "[" + i + "]";
            INDArray f = x[i];
            boolean seq = f.rank() == 3;
            boolean ok = seq && m.rank() == 2 && m.size(0) == f.size(0) && (m.size(1) == f.size(2) || m.size(1) == f.size(1));
            if (!ok) {
                throw new IllegalArgumentException(name + ": expected a sequence mask [n, T] matching features "
                        + Arrays.toString(f.shape()) + " (T = " + (seq ? f.size(2) + " for NCW or " + f.size(1)
                        + " for NWC" : "?, features must be sequences [n, c, T]") + "), got " + Arrays.toString(m.shape()));
            }
            INDArray c = m.castTo(type);
            if (!Checks.finite(c)) {
                throw new IllegalArgumentException(name + " contains NaN or infinite values; a mask holds 1 (step present) or 0");
            }
            out[i] = c;
        }
        return out;
    }

    private static boolean matches(long[] shape, long[] expected) {
        for (int d = 0; d < expected.length; d++) {
            if (expected[d] >= 0 && shape[d + 1] != expected[d]) {
                return false;
            }
        }
        return true;
    }
}
