package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
import org.ntk4j.dl4j.listener.NtkListener;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link org.ntk4j.dl4j.arbiter.NtkTaskListener} keeps about one Arbiter candidate while it trains: the
 * {@link NtkListener} tracking its kernel, its linearization at initialisation (or why there is none), and the scores
 * computed for it. Attached to the network as a (passive) DL4J listener so that score functions, which only see the
 * trained network, can find it.
 */
public final class CandidateState extends BaseTrainingListener {
    private final int candidateIndex;
    private final NtkListener ntk;
    private final LinearizedNetwork initial;
    private final RuntimeException noLinearization;
    private final long startNanos = System.nanoTime();
    private final Map<String, Double> scores = new LinkedHashMap<>();

    /**
     * @param candidateIndex  Arbiter's candidate index
     * @param ntk             the kernel tracker attached to the same network
     * @param initial         the (unfitted) linearization at θ0, or null
     * @param noLinearization why there is no linearization, or null
     */
    public CandidateState(int candidateIndex, NtkListener ntk, LinearizedNetwork initial, RuntimeException noLinearization) {
        this.candidateIndex = candidateIndex;
        this.ntk = ntk;
        this.initial = initial;
        this.noLinearization = noLinearization;
    }

    /**
     * @param model a network
     * @return its candidate state, if an NtkTaskListener attached one
     */
    public static Optional<CandidateState> of(Object model) {
        for (TrainingListener l : NetData.listeners(model)) {
            if (l instanceof CandidateState s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * @param model a network
     * @param what  what needs the state (for the message)
     * @return its candidate state
     * @throws IllegalStateException when no NtkTaskListener prepared the network
     */
    public static CandidateState require(Object model, String what) {
        return of(model).orElseThrow(() -> new IllegalStateException(what + " needs the network to be prepared by an"
                + " NtkTaskListener: create the task creator as new MultiLayerNetworkTaskCreator(null,"
                + " NtkTaskListener.builder(probe).build())"));
    }

    /** @return Arbiter's candidate index */
    public int candidateIndex() {
        return candidateIndex;
    }

    /** @return the kernel tracker */
    public NtkListener ntk() {
        return ntk;
    }

    /**
     * @return the linearization at initialisation (unfitted)
     * @throws IllegalArgumentException why the network has none (e.g. no Sgd updater)
     */
    public LinearizedNetwork initial() {
        if (initial == null) {
            throw new IllegalArgumentException("no linearization of this candidate: " + noLinearization.getMessage(),
                    noLinearization);
        }
        return initial;
    }

    /** @return seconds since the state was created (just before training) */
    public double secondsSoFar() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * @param name  a score's name
     * @param value its value
     */
    public synchronized void putScore(String name, double value) {
        scores.put(name, value);
    }

    /** @return a copy of the scores so far, in insertion order */
    public synchronized Map<String, Double> scores() {
        return new LinkedHashMap<>(scores);
    }
}
