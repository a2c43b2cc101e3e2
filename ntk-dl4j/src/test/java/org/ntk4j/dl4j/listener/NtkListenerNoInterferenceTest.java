package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener never changes the training it observes: the same network trained with and without it (snapshot after
 * every update, labels, file sinks, workspaces enabled) ends with bit-identical parameters — for a dense MLP, an MLP
 * with dropout (whose masks come from ND4J's global random generator) and a ComputationGraph — through
 * {@code fit(DataSetIterator)} over several epochs and {@code fit(DataSet)}. No workspace is left open and nothing
 * accumulates with the number of snapshots.
 */
class NtkListenerNoInterferenceTest extends NtkTestBase {
    @TempDir
    Path dir;

    /** Trains a fresh network from the supplier, with the listener when given; returns its final parameters. */
    private static INDArray train(Supplier<? extends Model> make, NtkListener listener, DataType t) {
        Model net = make.get();
        if (listener != null) {
            net.addListeners(listener);
        }
        Nd4j.getRandom().setSeed(777);   // the same global RNG stream for both runs (dropout masks)
        DataSet single = ListenerNets.data(t, 41, 6);
        if (net instanceof MultiLayerNetwork m) {
            m.fit(ListenerNets.iterator(t, 40, 3, 5), 2);
            m.fit(single);
            m.fit(single);
        } else {
            ComputationGraph g = (ComputationGraph) net;
            g.fit(ListenerNets.iterator(t, 40, 3, 5), 2);
            g.fit(single);
            g.fit(single);
        }
        assertFalse(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread(), "no workspace left open");
        return net.params().dup();
    }

    private NtkListener listener(DataType t, String name, OutputMode mode) {
        DataSet probe = ListenerNets.data(t, 42, 9);
        return NtkListener.builder(probe).everyNIterations(1).everyNEpochs(1).outputMode(mode)
                .sink(NtkSinks.csv(dir.resolve(name + ".csv")))
                .sink(NtkSinks.npy(dir.resolve(name), 3))
                .build();
    }

    private void assertSameTraining(Supplier<? extends Model> make, DataType t, String name, OutputMode mode) {
        INDArray without = train(make, null, t);
        NtkListener l = listener(t, name, mode);
        INDArray with = train(make, l, t);
        l.close();
        assertEquals(9, l.history().size(), "initial + 6 iterator updates + 2 single updates");
        assertTrue(l.latest().orElseThrow().parameterChange() > 0, "the network did train");
        NtkAssertions.assertBitIdentical(without, with, name + ": final parameters with and without the listener");
        // and the run is reproducible at all (otherwise the comparison would prove nothing)
        NtkAssertions.assertBitIdentical(without, train(make, null, t), name + ": reproducibility");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void denseMlp(DataType t) {
        assertSameTraining(() -> ListenerNets.mlp(t, 50, false), t, "dense-" + t, OutputMode.TRACE);
    }

    @Test
    void dropoutMlp() {
        assertSameTraining(() -> ListenerNets.mlp(DataType.FLOAT, 51, true), DataType.FLOAT, "dropout", OutputMode.FULL);
        // dropout is really random here: a different global seed gives different parameters
        INDArray a = train(() -> ListenerNets.mlp(DataType.FLOAT, 51, true), null, DataType.FLOAT);
        MultiLayerNetwork other = ListenerNets.mlp(DataType.FLOAT, 51, true);
        Nd4j.getRandom().setSeed(778);
        other.fit(ListenerNets.iterator(DataType.FLOAT, 40, 3, 5), 2);
        other.fit(ListenerNets.data(DataType.FLOAT, 41, 6));
        other.fit(ListenerNets.data(DataType.FLOAT, 41, 6));
        assertFalse(a.equalsWithEps(other.params(), 0.0), "dropout masks depend on the global RNG");
    }

    @Test
    void computationGraph() {
        assertSameTraining(() -> ListenerNets.graph(DataType.FLOAT, 52), DataType.FLOAT, "graph", OutputMode.TRACE);
    }

    /**
     * Many snapshots leave nothing behind: of the kernels handed to the sinks only Θ0 and the latest stay reachable
     * (ND4J frees an array's memory when it becomes unreachable), and the sizes of DL4J's workspaces on the training
     * thread do not change from snapshot 20 to snapshot 120 (nothing is allocated in them).
     */
    @Test
    void nothingAccumulatesAcrossManySnapshots() throws InterruptedException {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.FLOAT, 53, false);
        List<WeakReference<INDArray>> kernels = new ArrayList<>();
        NtkListener l = NtkListener.builder(ListenerNets.data(DataType.FLOAT, 54, 16)).everyNIterations(1)
                .outputMode(OutputMode.FULL).sink((s, k) -> kernels.add(new WeakReference<>(k))).build();
        net.addListeners(l);
        DataSet train = ListenerNets.data(DataType.FLOAT, 55, 8);
        for (int i = 0; i < 20; i++) {
            net.fit(train);
        }
        Map<String, Long> warm = workspaceSizes();
        assertFalse(warm.isEmpty(), "training uses workspaces");
        for (int i = 0; i < 100; i++) {
            net.fit(train);
        }
        assertEquals(warm, workspaceSizes(), "workspace sizes");
        assertEquals(121, kernels.size());
        long alive = 0;
        for (int attempt = 0; attempt < 50; attempt++) {
            System.gc();
            Thread.sleep(20);
            alive = kernels.stream().filter(r -> r.get() != null).count();
            if (alive <= 2) {
                break;
            }
        }
        assertEquals(2, alive, "only Θ0 and the latest kernel are kept");
        assertTrue(kernels.get(0).get() != null && kernels.get(120).get() != null);
        assertFalse(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread());
    }

    private static Map<String, Long> workspaceSizes() {
        Map<String, Long> m = new TreeMap<>();
        for (MemoryWorkspace w : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            m.put(w.getId(), w.getCurrentSize());
        }
        return m;
    }
}
