package org.ntk4j.dl4j.arbiter;

import java.util.Map;

/**
 * What an {@link NtkTaskListener} measured on one Arbiter candidate. Immutable.
 *
 * @param candidateIndex Arbiter's candidate index
 * @param drift          {@code ‖Θ_T − Θ_0‖_F / ‖Θ_0‖_F} on the probe at the listener's last snapshot
 * @param lambdaMin      smallest eigenvalue of the initial kernel Θ_0 on the probe (TRACE kernel, mean over outputs)
 * @param lambdaMax      largest eigenvalue of Θ_0
 * @param iterations     the network's iteration count at the last snapshot (the parameter updates it received)
 * @param scores         the scores an {@link org.ntk4j.dl4j.arbiter.WidthSweep} computed for the candidate, by name
 *                       (empty in other searches)
 * @param seconds        wall-clock seconds from the start of training to the end of scoring
 */
public record CandidateSummary(int candidateIndex, double drift, double lambdaMin, double lambdaMax, long iterations,
                               Map<String, Double> scores, double seconds) {
    /**
     * Copies the scores.
     *
     * @param candidateIndex Arbiter's candidate index
     * @param drift          {@code ‖Θ_T − Θ_0‖_F / ‖Θ_0‖_F} on the probe at the listener's last snapshot
     * @param lambdaMin      smallest eigenvalue of the initial kernel Θ_0 on the probe (TRACE kernel, mean over outputs)
     * @param lambdaMax      largest eigenvalue of Θ_0
     * @param iterations     the network's iteration count at the last snapshot (the parameter updates it received)
     * @param scores         the scores an {@link org.ntk4j.dl4j.arbiter.WidthSweep} computed for the candidate, by name
     *                       (empty in other searches)
     * @param seconds        wall-clock seconds from the start of training to the end of scoring
     */
    public CandidateSummary {
        scores = Map.copyOf(scores);
    }
}
