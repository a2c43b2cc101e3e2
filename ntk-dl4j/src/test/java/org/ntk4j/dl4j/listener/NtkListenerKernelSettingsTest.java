package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code NtkListener.builder(...).kernel(EmpiricalNtk)}: the listener computes with the given engine, the deprecated
 * settings still work and delegate to the same engine settings, and the two cannot be mixed.
 */
class NtkListenerKernelSettingsTest extends NtkTestBase {

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    @SuppressWarnings("deprecation") // the deprecated settings are what is compared against
    void givenKernelAndDeprecatedSettingsTrackTheSameKernels(DataType t) {
        DataSet probe = ListenerNets.data(t, 51, 6);
        DataSet train = ListenerNets.data(t, 52, 10);
        EmpiricalNtk full = EmpiricalNtk.builder().outputMode(OutputMode.FULL).implementation(NtkImplementation.JACOBIAN)
                .blockSize(4).build();
        NtkListener given = NtkListener.builder(probe).kernel(full).everyNIterations(1).build();
        NtkListener old = NtkListener.builder(probe).outputMode(OutputMode.FULL).implementation(NtkImplementation.JACOBIAN)
                .blockSize(4).everyNIterations(1).build();
        assertSame(full, given.kernel());
        assertEquals(OutputMode.FULL, given.outputMode());
        assertEquals(OutputMode.FULL, old.kernel().outputMode());
        assertEquals(NtkImplementation.JACOBIAN, old.kernel().implementation());
        assertEquals(4, old.kernel().blockSize());

        MultiLayerNetwork a = ListenerNets.mlp(t, 53, false), b = ListenerNets.mlp(t, 53, false);
        // the reference: the kernel of an untouched twin of the network, computed directly
        INDArray reference = full.compute(ListenerNets.mlp(t, 53, false), probe.getFeatures());
        a.addListeners(given);
        b.addListeners(old);
        for (int i = 0; i < 3; i++) {
            a.fit(train);
            b.fit(train);
        }
        NtkAssertions.assertBitIdentical(a.params(), b.params(), "same training");
        assertEquals(4, given.history().size());
        NtkAssertions.assertClose(reference, given.initialKernel(), tol(t).exact(), "Θ0 of the given engine");
        NtkAssertions.assertBitIdentical(given.latestKernel(), old.latestKernel(), "same kernels either way");
        assertEquals(List.of(6L, 6L, 2L, 2L), java.util.Arrays.stream(given.latestKernel().shape()).boxed().toList());
        for (int i = 0; i < 4; i++) {
            assertEquals(old.history().get(i).drift(), given.history().get(i).drift());
        }
    }

    @Test
    @SuppressWarnings("deprecation") // the deprecated settings are what is tested
    void deprecatedSettingsDelegateAndCannotBeMixedWithAKernel() {
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 54, 4, 3);
        NtkListener l = NtkListener.builder(probe).blockSize(3).memoryBudgetBytes(123_456_789L).build();
        assertEquals(3, l.kernel().blockSize());
        assertEquals(123_456_789L, l.kernel().memoryBudget().bytes());
        assertEquals(OutputMode.TRACE, l.outputMode());
        assertEquals(NtkImplementation.AUTO, l.kernel().implementation());

        EmpiricalNtk ntk = EmpiricalNtk.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NtkListener.builder(probe).kernel(ntk).blockSize(8));
        assertEquals("blockSize(...) and kernel(EmpiricalNtk) both given (got: both): set blockSize on the"
                + " EmpiricalNtk, EmpiricalNtk.builder().blockSize(...), and pass only kernel(...)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NtkListener.builder(probe).outputMode(OutputMode.FULL).kernel(ntk));
        assertTrue(e.getMessage().startsWith("outputMode(...) and kernel(EmpiricalNtk) both given"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NtkListener.builder(probe).kernel(null));
        assertEquals("kernel must not be null (got: null)", e.getMessage());
    }

    @Test
    void fullLabelsAreCheckedAgainstTheGivenKernelsOutputs() {
        DataSet probe = ListenerNets.data(DataType.DOUBLE, 55, 5);
        NtkListener bad = NtkListener.builder(probe.getFeatures())
                .probeLabels(ListenerNets.gaussian(DataType.DOUBLE, 56, 5, 3))
                .kernel(EmpiricalNtk.builder().outputMode(OutputMode.FULL).build()).build();
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 57, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.initialize(net));
        assertTrue(e.getMessage().startsWith("NtkListener: with OutputMode.FULL") && e.getMessage().contains("[5, 2]")
                && e.getMessage().contains("[5, 3]"), e.getMessage());
        assertTrue(bad.history().isEmpty());
        // the probe that does not fit the network is named as such
        NtkListener wrong = NtkListener.builder(ListenerNets.gaussian(DataType.DOUBLE, 58, 5, 4)).build();
        e = assertThrows(IllegalArgumentException.class, () -> wrong.initialize(net));
        assertTrue(e.getMessage().startsWith("NtkListener: the probe does not fit the network: "), e.getMessage());
    }
}
