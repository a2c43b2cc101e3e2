package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.scoring.impl.TestSetLossScoreFunction;

/**
 * The Arbiter score functions of ntk4j. Each is an ordinary Arbiter {@link ScoreFunction}, usable in any search (grid,
 * random, genetic) whose task creator has an {@link NtkTaskListener} (drift and gap need it; test loss does not).
 * All three are minimised.
 */
public final class NtkScoreFunctions {
    private NtkScoreFunctions() {
    }

    /** @return the NTK drift on the probe after training, see {@link NtkDriftScoreFunction} */
    public static ScoreFunction drift() {
        return new NtkDriftScoreFunction();
    }

    /** @return the held-out distance to the linearized network, see {@link LinearizationGapScoreFunction} */
    public static ScoreFunction linearizationGap() {
        return new LinearizationGapScoreFunction();
    }

    /**
     * @return the network's own loss (e.g. MSE) on the test data, averaged over test examples: Arbiter's
     * {@link TestSetLossScoreFunction} with averaging
     */
    public static ScoreFunction testLoss() {
        return new TestSetLossScoreFunction(true);
    }
}
