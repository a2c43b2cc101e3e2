package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * The result of inspecting a SameDiff graph for the NTK transform.
 *
 * @param parameters      every trainable variable the output depends on
 * @param terms           the structured terms
 * @param exactParameters the parameters handled by exact per-example gradients
 * @param outputs         o, the number of output columns
 * @param featureShape    the input's shape without the batch dimension
 * @param dataType        the floating point type of the output
 * @param widths          for each structured term: the width of {@code A} (0 for a bias alone; for CONV2D the patch
 *                        size {@code K}), the width of the per-example rows that enter the delta Gram ({@code z}'s
 *                        columns; for CONV2D the per-example gradient size), and the scratch elements per row
 */
public record GraphPlan(List<String> parameters, List<StructuredTerm> terms, List<String> exactParameters, int outputs,
                        long[] featureShape, DataType dataType, List<long[]> widths) {
    public GraphPlan {
        parameters = List.copyOf(parameters);
        terms = List.copyOf(terms);
        exactParameters = List.copyOf(exactParameters);
        featureShape = featureShape.clone();
        widths = List.copyOf(widths);
    }
}
