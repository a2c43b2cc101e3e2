package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;

import java.util.Map;
import java.util.Properties;

/** The training and test data of one Arbiter candidate, however the search names its data. Lazy: nothing is read until asked. */
public interface DataAccess {
    /** @return the training data, collected */
    NetData.Collected train();

    /** @return the test data, collected */
    NetData.Collected test();

    /**
     * @param provider   Arbiter's data provider
     * @param parameters the candidate's data parameters
     * @return the access
     */
    static DataAccess of(DataProvider provider, Map<String, Object> parameters) {
        return new DataAccess() {
            @Override
            public NetData.Collected train() {
                return NetData.fromProvider(provider, parameters, true);
            }

            @Override
            public NetData.Collected test() {
                return NetData.fromProvider(provider, parameters, false);
            }
        };
    }

    /**
     * @param source     Arbiter's data source class
     * @param properties its properties
     * @return the access
     */
    static DataAccess of(Class<? extends DataSource> source, Properties properties) {
        return new DataAccess() {
            @Override
            public NetData.Collected train() {
                return NetData.fromSource(source, properties, true);
            }

            @Override
            public NetData.Collected test() {
                return NetData.fromSource(source, properties, false);
            }
        };
    }
}
