package org.ntk4j.dl4j.arbiter;

/**
 * One trained and scored candidate of a {@link WidthSweep}: what Arbiter generated (width, seed), its Arbiter score
 * (the drift) and the other measurements. Immutable.
 *
 * @param candidateIndex Arbiter's candidate index
 * @param width          the hidden width of this candidate
 * @param seed           the initialisation seed of this candidate
 * @param learningRate   the Sgd learning rate it trained with
 * @param drift          NTK drift {@code ‖Θ_T − Θ_0‖_F / ‖Θ_0‖_F} on the probe (Arbiter's score of the candidate)
 * @param gap            linearization gap: held-out RMS distance to the linearized network after the same steps;
 *                       NaN when the sweep does not compute it
 * @param testLoss       the network's loss on the test data (mean over test examples)
 * @param lambdaMin      smallest eigenvalue of the initial NTK Θ_0 on the probe (TRACE kernel)
 * @param lambdaMax      largest eigenvalue of Θ_0
 * @param seconds        wall-clock seconds of training and scoring
 */
public record SweepRow(int candidateIndex, int width, long seed, double learningRate, double drift, double gap,
                       double testLoss, double lambdaMin, double lambdaMax, double seconds) {
}
