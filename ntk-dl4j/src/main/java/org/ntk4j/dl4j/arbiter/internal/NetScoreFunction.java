package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Base of ntk4j's Arbiter score functions: both of Arbiter's data conventions reduce to one {@link DataAccess}. */
public abstract class NetScoreFunction implements ScoreFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public final double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        return score(model, DataAccess.of(dataProvider, dataParameters));
    }

    @Override
    public final double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        return score(model, DataAccess.of(dataSource, dataSourceProperties));
    }

    /**
     * @param model the trained network Arbiter passes
     * @param data  its data
     * @return the score
     */
    protected abstract double score(Object model, DataAccess data);

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(MultiLayerNetwork.class, ComputationGraph.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(DataSetIterator.class);
    }

    @Override
    public boolean minimize() {
        return true;
    }
}
