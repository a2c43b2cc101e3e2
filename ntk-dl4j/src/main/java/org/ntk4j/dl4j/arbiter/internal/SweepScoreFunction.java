package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The score Arbiter computes for each candidate of a width sweep: the first of several named score functions (the
 * candidate's Arbiter score), with every other one computed on the same trained network in the same call and kept in
 * the candidate's {@link CandidateState} (read by the NtkTaskListener after scoring).
 */
public final class SweepScoreFunction implements ScoreFunction {
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, ScoreFunction> functions;

    /** @param functions name → score function; the first one is Arbiter's score */
    public SweepScoreFunction(LinkedHashMap<String, ScoreFunction> functions) {
        this.functions = new LinkedHashMap<>(functions);
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        return all(model, f -> f.score(model, dataProvider, dataParameters));
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        return all(model, f -> f.score(model, dataSource, dataSourceProperties));
    }

    private double all(Object model, java.util.function.ToDoubleFunction<ScoreFunction> call) {
        CandidateState state = CandidateState.require(model, "a width sweep");
        double first = Double.NaN;
        boolean isFirst = true;
        for (Map.Entry<String, ScoreFunction> e : functions.entrySet()) {
            double v = call.applyAsDouble(e.getValue());
            state.putScore(e.getKey(), v);
            if (isFirst) {
                first = v;
                isFirst = false;
            }
        }
        return first;
    }

    @Override
    public boolean minimize() {
        return functions.values().iterator().next().minimize();
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return functions.values().iterator().next().getSupportedModelTypes();
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return functions.values().iterator().next().getSupportedDataTypes();
    }

    @Override
    public String toString() {
        return "SweepScoreFunction(" + functions.keySet() + ")";
    }
}
