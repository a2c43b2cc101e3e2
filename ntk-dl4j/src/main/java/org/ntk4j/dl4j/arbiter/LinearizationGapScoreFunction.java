package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.arbiter.internal.CandidateState;
import org.ntk4j.dl4j.arbiter.internal.DataAccess;
import org.ntk4j.dl4j.arbiter.internal.NetData;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;

/**
 * Arbiter score: the linearization gap, the held-out root-mean-square distance between the trained network and the
 * closed-form prediction of its {@link LinearizedNetwork} (taken at the candidate's initial parameters θ0, by an
 * {@link NtkTaskListener}) for the same number of full-batch {@code Sgd} steps at the same learning rate:
 * <pre>
 *   gap = sqrt( mean over test examples i and outputs k of (f_T(x_i)_k − f_lin,T(x_i)_k)² ),   T = the network's iteration count
 * </pre>
 * in the units of the network's outputs. It shrinks with width in the lazy regime; minimised.
 *
 * <p>Requirements (refused by name otherwise): an output layer with {@code LossMSE}, one {@code Sgd} learning rate for
 * every layer, and training data served as <b>one</b> minibatch (e.g. {@link FullBatchData}), so that each DL4J
 * iteration was one full-batch step — what the linearized prediction describes. The training data is read from the
 * search's data provider or source; the test data gives the held-out points.
 */
public final class LinearizationGapScoreFunction extends org.ntk4j.dl4j.arbiter.internal.NetScoreFunction {
    private static final long serialVersionUID = 1L;

    @Override
    @SuppressWarnings("try") // the workspace scope is used for its side effect
    protected double score(Object model, DataAccess data) {
        CandidateState state = CandidateState.require(model, "the linearization gap score");
        LinearizedNetwork lin;
        try {
            lin = state.initial();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("linearization gap score: " + e.getMessage(), e);
        }
        NetData.Collected train = data.train();
        if (train.batches() != 1) {
            throw new IllegalArgumentException("linearization gap score: the training data came in " + train.batches()
                    + " minibatches; the linearized prediction describes full-batch steps: serve the training set as one"
                    + " minibatch (FullBatchData)");
        }
        long steps = BaseOptimizer.getIterationCount((Model) model);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray x = data.test().data().getFeatures();
            INDArray predicted = lin.fit(train.data()).output(x, steps).castTo(DataType.DOUBLE);
            INDArray trained = NetData.output(model, x).castTo(DataType.DOUBLE);
            INDArray d = trained.sub(predicted);
            return Math.sqrt(d.mul(d).meanNumber().doubleValue());
        }
    }

    @Override
    public String toString() {
        return "LinearizationGapScoreFunction()";
    }
}
