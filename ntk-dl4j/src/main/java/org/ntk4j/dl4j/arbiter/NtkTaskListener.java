package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.GraphConfiguration;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.task.TaskListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.arbiter.internal.CandidateState;
import org.ntk4j.dl4j.arbiter.internal.NetData;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An Arbiter {@link TaskListener} that prepares every candidate network for ntk4j's score functions: before training
 * it attaches an {@link NtkListener} on the probe examples (Θ0 is taken at once, at the initial parameters) and keeps
 * the network's linearization at θ0 ({@link LinearizedNetwork}, for the gap score); after scoring it records a
 * {@link CandidateSummary} and detaches both again. Pass it to Arbiter's task creator:
 *
 * <pre>{@code
 * NtkTaskListener ntk = NtkTaskListener.builder(probeFeatures).build();     // [n, d], e.g. the training inputs
 * IOptimizationRunner runner = new LocalOptimizationRunner(configuration, new MultiLayerNetworkTaskCreator(null, ntk));
 * runner.execute();
 * CandidateSummary first = ntk.summary(0).orElseThrow();
 * }</pre>
 *
 * <p>Snapshots: by default one at the end of the candidate's last epoch (its {@code numEpochs}), so that
 * {@link NtkDriftScoreFunction} reads the drift of the trained network; {@link Builder#everyNIterations(int)} tracks
 * the kernel during training as well (the drift score still needs a snapshot at the final iteration). The linearization
 * needs an {@code Sgd} updater; a network without one still trains and gets the other scores.
 *
 * <p>Thread-safe: Arbiter may run several candidates at once (one NtkListener per candidate).
 */
public final class NtkTaskListener implements TaskListener {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(NtkTaskListener.class);
    private static final Map<Class<?>, Function<Object, Integer>> EPOCHS = new LinkedHashMap<>();

    static {
        EPOCHS.put(DL4JConfiguration.class, c -> ((DL4JConfiguration) c).getNumEpochs());
        EPOCHS.put(GraphConfiguration.class, c -> ((GraphConfiguration) c).getNumEpochs());
    }

    /** The probe features the kernel is computed on. */
    private final INDArray probe;
    /** Snapshot interval in iterations. */
    private final int everyNIterations;
    private final transient Map<Integer, CandidateSummary> summaries = new ConcurrentHashMap<>();

    private NtkTaskListener(Builder b) {
        this.probe = b.probe;
        this.everyNIterations = b.everyNIterations;
    }

    /**
     * @param probeFeatures the examples the kernel is measured on, {@code [n, ...]} (copied), n ≥ 1
     * @return a builder
     */
    public static Builder builder(INDArray probeFeatures) {
        return new Builder(probeFeatures);
    }

    @Override
    public <T extends Model> T preProcess(T model, Candidate candidate) {
        NtkListener.Builder nb = NtkListener.builder(probe);
        Integer epochs = epochs(candidate);
        if (everyNIterations > 0) {
            nb.everyNIterations(everyNIterations);
        }
        if (epochs != null && epochs > 0) {
            nb.everyNEpochs(epochs);
        } else if (everyNIterations == 0) {
            throw new IllegalArgumentException("NtkTaskListener: the candidate has no fixed number of epochs (early"
                    + " stopping?): set everyNIterations(k) so that the kernel is measured during training");
        }
        NtkListener ntk = nb.build();
        ntk.initialize(model);
        LinearizedNetwork lin = null;
        RuntimeException why = null;
        try {
            lin = LinearizedNetwork.of(model).build();
        } catch (IllegalArgumentException e) {
            why = e;
        }
        model.addListeners(ntk, new CandidateState(candidate.getIndex(), ntk, lin, why));
        return model;
    }

    @Override
    public void postProcess(Model model, Candidate candidate) {
        if (model == null) {
            return;
        }
        Optional<CandidateState> found = CandidateState.of(model);
        if (found.isEmpty()) {
            return;
        }
        CandidateState state = found.get();
        List<NtkSnapshot> history = state.ntk().history();
        NtkSnapshot first = history.get(0);
        NtkSnapshot last = history.get(history.size() - 1);
        CandidateSummary s = new CandidateSummary(state.candidateIndex(), last.drift(), first.lambdaMin(),
                first.lambdaMax(), last.iteration(), state.scores(), state.secondsSoFar());
        summaries.put(s.candidateIndex(), s);
        log.debug("candidate {}: drift {} after {} iterations", s.candidateIndex(), s.drift(), s.iterations());
        List<TrainingListener> keep = new ArrayList<>();
        for (TrainingListener l : NetData.listeners(model)) {
            if (l != state && l != state.ntk()) {
                keep.add(l);
            }
        }
        model.setListeners(keep);
        state.ntk().close();
    }

    /**
     * @param candidateIndex Arbiter's candidate index
     * @return what was measured on that candidate, once it was scored
     */
    public Optional<CandidateSummary> summary(int candidateIndex) {
        return Optional.ofNullable(summaries.get(candidateIndex));
    }

    /** @return a copy of every summary so far, by candidate index */
    public Map<Integer, CandidateSummary> summaries() {
        return Map.copyOf(summaries);
    }

    private static Integer epochs(Candidate candidate) {
        Object value = candidate.getValue();
        for (Map.Entry<Class<?>, Function<Object, Integer>> e : EPOCHS.entrySet()) {
            if (e.getKey().isInstance(value)) {
                return e.getValue().apply(value);
            }
        }
        return null;
    }

    /** Validated builder of {@link NtkTaskListener}. */
    public static final class Builder {
        private final INDArray probe;
        private int everyNIterations;

        private Builder(INDArray probe) {
            Checks.notNull("probeFeatures", probe);
            if (probe.rank() < 2 || probe.size(0) < 1) {
                throw new IllegalArgumentException("probeFeatures: expected [n, ...] with n >= 1 (got: shape "
                        + java.util.Arrays.toString(probe.shape()) + ")");
            }
            this.probe = probe.dup();
        }

        /**
         * @param n also take a kernel snapshot every n parameter updates, n ≥ 1
         * @return this
         */
        public Builder everyNIterations(int n) {
            this.everyNIterations = Checks.atLeastOne("everyNIterations", n);
            return this;
        }

        /** @return the task listener */
        public NtkTaskListener build() {
            return new NtkTaskListener(this);
        }
    }
}
