package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.ntk4j.dl4j.arbiter.internal.CandidateState;
import org.ntk4j.dl4j.arbiter.internal.DataAccess;
import org.ntk4j.dl4j.arbiter.internal.NetData;
import org.ntk4j.dl4j.arbiter.internal.NetScoreFunction;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSnapshot;

/**
 * Arbiter score: the relative drift {@code ‖Θ_T − Θ_0‖_F / ‖Θ_0‖_F} of the empirical NTK on the probe examples between
 * initialisation and the end of training, as measured by the {@link NtkListener} that an {@link NtkTaskListener}
 * attached to the candidate. Small drift means the candidate trained in the lazy (kernel) regime; minimised.
 *
 * <p>Usable in any Arbiter search whose task creator has an {@link NtkTaskListener}:
 * <pre>{@code
 * new OptimizationConfiguration.Builder().scoreFunction(NtkScoreFunctions.drift()) ... ;
 * new LocalOptimizationRunner(conf, new MultiLayerNetworkTaskCreator(null, NtkTaskListener.builder(probe).build()));
 * }</pre>
 * The listener's last snapshot must be at the network's final iteration (the NtkTaskListener's default: at the end of
 * the candidate's last epoch); otherwise this score refuses rather than report the drift of an earlier iteration.
 */
public final class NtkDriftScoreFunction extends NetScoreFunction {
    private static final long serialVersionUID = 1L;

    @Override
    protected double score(Object model, DataAccess data) {
        NtkListener ntk = CandidateState.of(model).map(CandidateState::ntk).orElseGet(() -> findListener(model));
        NtkSnapshot last = ntk.latest().orElseThrow(() -> new IllegalStateException(
                "NTK drift score: the NtkListener took no snapshot (was the network trained?)"));
        long iteration = BaseOptimizer.getIterationCount((Model) model);
        if (last.iteration() != iteration) {
            throw new IllegalStateException("NTK drift score: the NtkListener's last snapshot is at iteration "
                    + last.iteration() + " but the network is at iteration " + iteration
                    + ": let the listener take a snapshot at the end of training (NtkTaskListener's default)");
        }
        return last.drift();
    }

    private static NtkListener findListener(Object model) {
        NtkListener found = null;
        for (TrainingListener l : NetData.listeners(model)) {
            if (l instanceof NtkListener n) {
                if (found != null) {
                    throw new IllegalStateException("NTK drift score: the network has several NtkListeners;"
                            + " use an NtkTaskListener so the score knows which one to read");
                }
                found = n;
            }
        }
        if (found == null) {
            throw new IllegalStateException("NTK drift score: the network has no NtkListener: create the task creator as"
                    + " new MultiLayerNetworkTaskCreator(null, NtkTaskListener.builder(probe).build())");
        }
        return found;
    }

    @Override
    public String toString() {
        return "NtkDriftScoreFunction()";
    }
}
