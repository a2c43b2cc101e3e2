package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;

import java.util.List;
import java.util.Optional;

/**
 * A structured rule for one kind of SameDiff op: given a trainable variable that this op alone consumes (once), says
 * whether and in which role ({@link OpMatch}) the structured kernel can take it. Registered by op class in
 * {@link OpRules}.
 */
@FunctionalInterface
interface OpRule {
    /**
     * @param use the op and the parameter's place among its inputs
     * @return the match, or empty when the op uses the parameter in a way the structured kernel does not cover
     */
    Optional<OpMatch> match(Use use);

    /**
     * One use of a trainable variable by an op.
     *
     * @param sd        the graph
     * @param op        the op
     * @param parameter the trainable variable
     * @param index     its position among the op's inputs
     * @param inputs    the op's inputs
     * @param z         the op's only output
     */
    record Use(SameDiff sd, SameDiffOp op, String parameter, int index, List<String> inputs, String z) {
        /** @return the op's name */
        String opName() {
            return op.getName();
        }

        /**
         * @param i an input position
         * @return whether that input is a trainable variable
         */
        boolean trainable(int i) {
            return sd.getVariable(inputs.get(i)).getVariableType() == VariableType.VARIABLE;
        }
    }
}
