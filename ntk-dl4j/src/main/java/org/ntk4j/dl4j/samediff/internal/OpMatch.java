package org.ntk4j.dl4j.samediff.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a trainable variable enters the graph when an {@link OpRules op rule} matched it: one record per role, each
 * knowing which arrays' shapes decide whether the rule fits and how to check them.
 */
sealed interface OpMatch {
    /** @return the trainable variable */
    String parameter();

    /** @return the name of the op consuming it */
    String op();

    /** @return the op's output */
    String z();

    /** @return the variables whose probe shapes {@link #fits} reads, besides the parameter */
    List<String> arrays();

    /**
     * @param shapes the probe shapes (batch {@link GraphInspector#PROBE_ROWS})
     * @return whether the shapes are those the structured rule handles
     */
    boolean fits(Map<String, long[]> shapes);

    /** The weight {@code W} of {@code z = A·W} ({@code Mmul}, {@code XwPlusB}) on rank-2 activations. */
    record DenseWeight(String parameter, String op, String input, String z) implements OpMatch {
        @Override
        public List<String> arrays() {
            return List.of(input, z);
        }

        @Override
        public boolean fits(Map<String, long[]> s) {
            return weightFits(s, parameter, input, z, 2);
        }
    }

    /** The bias {@code b} of {@code z = A·W + b} computed by the same op as the weight ({@code XwPlusB}). */
    record FusedBias(String parameter, String op, String z) implements OpMatch {
        @Override
        public List<String> arrays() {
            return List.of(z);
        }

        @Override
        public boolean fits(Map<String, long[]> s) {
            return vectorBiasFits(s, parameter, z, 2);
        }
    }

    /** The bias {@code b} of {@code z = pre + b} ({@code BiasAdd}, a row-broadcast {@code add}). */
    record AddedBias(String parameter, String op, String pre, String z) implements OpMatch {
        @Override
        public List<String> arrays() {
            return List.of(pre, z);
        }

        @Override
        public boolean fits(Map<String, long[]> s) {
            long[] zs = s.get(z);
            long[] p = s.get(parameter);
            if (!batchRows(zs, 2) || p == null) {
                return false;
            }
            boolean row = (p.length == 1 && p[0] == zs[1]) || (p.length == 2 && p[0] == 1 && p[1] == zs[1]);
            return row && Arrays.equals(s.get(pre), zs);
        }
    }

    /** The kernel of an NCHW {@code conv2d}. */
    record ConvWeight(String parameter, String op, String input, String z, Conv2dArgs args) implements OpMatch {
        @Override
        public List<String> arrays() {
            return List.of(input, z);
        }

        @Override
        public boolean fits(Map<String, long[]> s) {
            return weightFits(s, parameter, input, z, 4);
        }
    }

    /** The bias of an NCHW {@code conv2d}. */
    record ConvBias(String parameter, String op, String z, Conv2dArgs args) implements OpMatch {
        @Override
        public List<String> arrays() {
            return List.of(z);
        }

        @Override
        public boolean fits(Map<String, long[]> s) {
            return vectorBiasFits(s, parameter, z, 4);
        }
    }

    /** A weight of an op on activations of the given rank: {@code z} and the input batched, the weight of that rank. */
    private static boolean weightFits(Map<String, long[]> s, String parameter, String input, String z, int rank) {
        return batchRows(s.get(z), rank) && batchRows(s.get(input), rank) && rank(s.get(parameter), rank);
    }

    /** A bias vector {@code [c]} of an op whose output {@code z} (of the given rank) has {@code c} channels. */
    private static boolean vectorBiasFits(Map<String, long[]> s, String parameter, String z, int rank) {
        long[] zs = s.get(z);
        long[] p = s.get(parameter);
        return batchRows(zs, rank) && rank(p, 1) && p[0] == zs[1];
    }

    private static boolean batchRows(long[] shape, int rank) {
        return shape != null && shape.length == rank && shape[0] == GraphInspector.PROBE_ROWS;
    }

    private static boolean rank(long[] shape, int rank) {
        return shape != null && shape.length == rank;
    }
}
