package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.internal.Checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An Arbiter {@link DataProvider} that serves a whole training set as <b>one</b> minibatch, so that one DL4J epoch is
 * one full-batch gradient step — the training that {@link org.ntk4j.dl4j.linearized.LinearizedNetwork} predicts in
 * closed form — and a held-out test set, also as one minibatch. Both sets are copied; {@code dataParameters} are
 * ignored.
 *
 * <pre>{@code
 * DataProvider data = FullBatchData.of(trainSet, testSet);   // features [n, d], labels [n, o]
 * }</pre>
 */
public final class FullBatchData implements DataProvider {
    private static final long serialVersionUID = 1L;

    /** The training set, served as one minibatch. */
    private final DataSet train;
    /** The test set, served as one minibatch. */
    private final DataSet test;

    private FullBatchData(DataSet train, DataSet test) {
        this.train = train;
        this.test = test;
    }

    /**
     * @param train training features {@code [n, ...]} and labels {@code [n, o]}, no masks, n ≥ 1
     * @param test  held-out features and labels of the same shapes (apart from n)
     * @return the provider
     */
    public static FullBatchData of(DataSet train, DataSet test) {
        return new FullBatchData(check("train", train), check("test", test));
    }

    /**
     * Collects two iterators into full batches (each is reset first when it supports it).
     *
     * @param train training minibatches
     * @param test  test minibatches
     * @return the provider
     */
    public static FullBatchData of(DataSetIterator train, DataSetIterator test) {
        return of(collect("train", train), collect("test", test));
    }

    /** @return a copy of the training set */
    public DataSet train() {
        return train.copy();
    }

    /** @return a copy of the test set */
    public DataSet test() {
        return test.copy();
    }

    @Override
    public Object trainData(Map<String, Object> dataParameters) {
        return new ListDataSetIterator<>(List.of(train), 1);
    }

    @Override
    public Object testData(Map<String, Object> dataParameters) {
        return new ListDataSetIterator<>(List.of(test), 1);
    }

    @Override
    public Class<?> getDataType() {
        return DataSetIterator.class;
    }

    @Override
    public String toString() {
        return "FullBatchData(train " + Arrays.toString(train.getFeatures().shape()) + ", test "
                + Arrays.toString(test.getFeatures().shape()) + ")";
    }

    @SuppressWarnings("try") // the workspace scope is used for its side effect
    private static DataSet check(String name, DataSet d) {
        Checks.notNull(name, d);
        if (d.getFeatures() == null || d.getLabels() == null) {
            throw new IllegalArgumentException(name + " data must have features and labels (got: "
                    + (d.getFeatures() == null ? "no features" : "no labels") + ")");
        }
        if (d.getFeaturesMaskArray() != null || d.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException(name + " data must not have masks (got: a mask array)");
        }
        long n = d.getFeatures().size(0);
        if (n < 1 || d.getLabels().size(0) != n) {
            throw new IllegalArgumentException(name + " data: features and labels need the same number n >= 1 of rows"
                    + " (got: " + n + " and " + d.getLabels().size(0) + ")");
        }
        if (!Checks.finite(d.getFeatures()) || !Checks.finite(d.getLabels())) {
            throw new IllegalArgumentException(name + " data contains NaN or infinite values");
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return new DataSet(d.getFeatures().dup(), d.getLabels().dup());
        }
    }

    private static DataSet collect(String name, DataSetIterator it) {
        Checks.notNull(name, it);
        if (it.resetSupported()) {
            it.reset();
        }
        List<DataSet> all = new ArrayList<>();
        while (it.hasNext()) {
            all.add(it.next());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException(name + " iterator returned no data");
        }
        return all.size() == 1 ? all.get(0) : DataSet.merge(all);
    }
}
