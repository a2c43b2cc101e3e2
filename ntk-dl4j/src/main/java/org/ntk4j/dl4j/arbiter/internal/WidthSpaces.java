package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/** Facts about Arbiter parameter spaces that a width sweep checks before it starts. */
public final class WidthSpaces {
    /** Grid points of an IntegerParameterSpace (Arbiter's discretization count). */
    public static final int INTEGER_GRID = 5;

    private WidthSpaces() {
    }

    /**
     * @param p a leaf
     * @return how many values Arbiter's grid search gives it (the rule of GridSearchCandidateGenerator)
     */
    public static int gridValues(ParameterSpace<?> p) {
        if (p instanceof DiscreteParameterSpace<?> d) {
            return d.numValues();
        }
        if (p instanceof IntegerParameterSpace i) {
            return Math.min(i.getMax() - i.getMin() + 1, INTEGER_GRID);
        }
        if (p instanceof FixedValue<?>) {
            return 1;
        }
        return INTEGER_GRID;
    }

    /**
     * The widths a space gives in a grid search, in grid order.
     *
     * @param space a width space
     * @return its widths
     * @throws IllegalArgumentException when it is not an integer space, or has fewer than two widths, or a width &lt; 1
     */
    public static List<Integer> widths(ParameterSpace<?> space) {
        if (space == null) {
            throw new IllegalArgumentException("WidthSweep: the width space must not be null (got: null)");
        }
        List<Integer> out = new ArrayList<>();
        if (space instanceof IntegerParameterSpace i) {
            int n = gridValues(i);
            IntegerParameterSpace copy = new IntegerParameterSpace(i.getMin(), i.getMax());
            copy.setIndices(0);
            for (int k = 0; k < n; k++) {
                out.add(copy.getValue(new double[]{n == 1 ? 0 : k / (double) (n - 1)}));
            }
        } else if (space instanceof DiscreteParameterSpace<?> d) {
            int n = d.numValues();
            d.setIndices(0); // re-numbered by Arbiter's generator, which is created after this check
            for (int k = 0; k < n; k++) {
                Object v = d.getValue(new double[]{n == 1 ? 0 : k / (double) (n - 1)});
                if (!(v instanceof Integer w)) {
                    throw notInteger(space);
                }
                out.add(w);
            }
        } else {
            throw notInteger(space);
        }
        if (out.size() < 2) {
            throw new IllegalArgumentException("WidthSweep: need at least 2 widths to fit a slope (got: " + out + ")");
        }
        for (int w : out) {
            if (w < 1) {
                throw new IllegalArgumentException("WidthSweep: widths must be >= 1 (got: " + out + ")");
            }
        }
        return out;
    }

    private static IllegalArgumentException notInteger(ParameterSpace<?> space) {
        return new IllegalArgumentException("WidthSweep: the width space must be an IntegerParameterSpace or a"
                + " DiscreteParameterSpace of Integers (got: " + space + ")");
    }

    /**
     * @param space a network space
     * @param leaf  a leaf that should be inside it
     * @return true when {@code leaf} is one of {@code space}'s leaves (the same object)
     */
    public static boolean contains(ParameterSpace<?> space, ParameterSpace<?> leaf) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        for (ParameterSpace<?> p : space.collectLeaves()) {
            seen.put(p, true);
        }
        return seen.containsKey(leaf);
    }

    /**
     * Refuses leaves that Arbiter 1.0.0-beta7's grid search cannot index: an IntegerParameterSpace with a single value
     * reads past the candidate's value array (the generator leaves one-valued dimensions out of it).
     *
     * @param space a network space
     */
    public static void checkLeaves(ParameterSpace<?> space) {
        for (ParameterSpace<?> p : space.collectLeaves()) {
            if (p instanceof IntegerParameterSpace i && i.getMin() == i.getMax()) {
                throw new IllegalArgumentException("WidthSweep: " + p + " has one value; Arbiter 1.0.0-beta7's grid search"
                        + " cannot index a one-valued IntegerParameterSpace: use the fixed number instead");
            }
        }
    }
}
