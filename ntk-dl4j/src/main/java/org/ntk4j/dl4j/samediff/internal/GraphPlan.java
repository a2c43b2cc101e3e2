package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * The result of inspecting a SameDiff graph for the NTK transform.
 *
 * @param parameters      every trainable variable the output depends on
 * @param terms           the structured terms (each knows its widths)
 * @param exactParameters the parameters handled by exact per-example gradients
 * @param outputs         o, the number of output columns
 * @param featureShape    the input's shape without the batch dimension
 * @param dataType        the floating point type of the output
 */
public record GraphPlan(List<String> parameters, List<StructuredTerm> terms, List<String> exactParameters, int outputs,
                        long[] featureShape, DataType dataType) {
    public GraphPlan {
        parameters = List.copyOf(parameters);
        terms = List.copyOf(terms);
        exactParameters = List.copyOf(exactParameters);
        featureShape = featureShape.clone();
    }

    /** @return the featureShape (a copy) */
    @Override
    public long[] featureShape() {
        return featureShape.clone();
    }

    /** @return the parameters covered by the structured terms, in term order */
    public List<String> structuredParameters() {
        return terms.stream().flatMap(t -> t.parameters().stream()).toList();
    }
}
