package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The contract of a {@link UnitRule} for a layer (one subclass per layer rule): its forward pass is DL4J's
 * {@code layer.activate} in inference mode; its input epsilons are DL4J's {@code backpropGradient} (or, where DL4J's
 * backward pass is not the inference-mode derivative, central finite differences of {@code activate}); its factor's
 * Gram, FULL and TRACE, structured and explicit, equals that of the exact fallback {@link GenericLayerRule} on the same
 * layer; a layer without parameters (a loss layer's activation) must have no factor. Activations of any rank: the
 * layer's input and output are {@code [n, ...]} (sequences, images), the stacked epsilons {@code [n·o, ...]} shaped
 * like the output. Tolerances come from the one table, {@link Tolerances}.
 */
abstract class UnitRuleContract extends NtkTestBase {
    /** Outputs o of the stacked epsilons. */
    private static final int O = 2;
    /** Step of the central finite differences (DOUBLE). */
    private static final double H = 1e-6;

    private final Class<? extends UnitRule> ruleClass;
    private final int layerIndex;
    private final boolean finiteDifferences;
    private final Function<DataType, MultiLayerNetwork> network;
    private final Input input;

    /** Examples of the layer's input. */
    @FunctionalInterface
    protected interface Input {
        /** @return {@code n} examples of the layer's input in {@code type}, reproducible from {@code seed} */
        INDArray examples(DataType type, long seed, int n);
    }

    /**
     * @param ruleClass         the class of the rule {@link LayerRules} must choose for the layer under test
     * @param layerIndex        the index of that layer in {@link #network}
     * @param finiteDifferences whether the references are central finite differences of the inference-mode output
     *                          (for layers whose DL4J backward pass is not its inference-mode derivative, and for the
     *                          exact fallback, which is DL4J's backward pass) rather than DL4J's {@code
     *                          backpropGradient} and the exact fallback's Gram
     * @param network           per type (FLOAT, DOUBLE) an initialised network holding the layer, the same parameters
     *                          in both types, already twin-like (no output layer at the layer under test)
     * @param input             examples of the layer's input
     */
    protected UnitRuleContract(Class<? extends UnitRule> ruleClass, int layerIndex, boolean finiteDifferences,
                               Function<DataType, MultiLayerNetwork> network, Input input) {
        this.ruleClass = ruleClass;
        this.layerIndex = layerIndex;
        this.finiteDifferences = finiteDifferences;
        this.network = network;
        this.input = input;
    }

    /**
     * @param layers the layers of a network, seeded, in the given type
     * @return the network, initialised
     */
    protected static MultiLayerNetwork init(NeuralNetConfiguration.ListBuilder layers) {
        MultiLayerNetwork net = new MultiLayerNetwork(layers.build());
        net.init();
        return net;
    }

    private INDArray input(DataType type, long seed, int n) {
        return input.examples(type, seed, n);
    }

    /**
     * @return the reference input epsilons {@code [n·o, ...]}: DL4J's {@code backpropGradient} on the examples
     *         repeated once per output, or finite differences
     */
    private INDArray referenceInputEps(Layer layer, INDArray x, INDArray eps) {
        if (finiteDifferences) {
            return finiteDifferenceInputEps(layer, x, eps);
        }
        layer.setInput(Stacking.repeatExamples(x.dup('c'), O), LayerWorkspaceMgr.noWorkspaces());
        INDArray e = layer.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        INDArray r = e == null ? null : e.dup();
        layer.clear();
        return r;
    }

    /**
     * @return the reference Gram {@code [n1·o, n2·o]} of the layer's per-example gradients w.r.t. its trainable
     *         parameters on the two blocks (with the epsilons {@link #factors} uses): that of the exact fallback
     *         {@link GenericLayerRule}, or of finite differences
     */
    private INDArray referenceGram(Layer layer, INDArray x1, INDArray x2) {
        if (finiteDifferences) {
            return finiteDifferenceGram(layer, x1, x2, LayerParams.trainable(layer).toArray(new String[0]));
        }
        Factor[] g = factors(new GenericLayerRule(layer), x1, x2, ParamMode.JACOBIAN);
        return g[0].full(g[1]);
    }

    /**
     * A reference for layers that treat examples independently: central finite differences of {@code activate}
     * (inference mode, on the layer's DOUBLE twin) w.r.t. each input entry, contracted with the epsilons.
     *
     * @return input epsilons {@code [n·o, ...]} in the type of {@code x}
     */
    private INDArray finiteDifferenceInputEps(Layer layer, INDArray x, INDArray eps) {
        Layer d = doubleTwin(layer);
        long n = x.size(0), per = x.length() / n;
        INDArray xd = x.castTo(DataType.DOUBLE).dup('c');
        INDArray flat = xd.reshape('c', new long[]{xd.length()});
        INDArray e = perExampleRows(eps.castTo(DataType.DOUBLE), n * O);
        INDArray r = Nd4j.create(DataType.DOUBLE, n * O, per);
        for (long c = 0; c < per; c++) {
            for (long i = 0; i < n; i++) {
                INDArray di = perExampleRows(centralDifference(flat, i * per + c, () -> activate(d, xd)), n).getRow(i);
                for (int k = 0; k < O; k++) {
                    r.putScalar(i * O + k, c, di.mul(e.getRow(i * O + k)).sumNumber().doubleValue());
                }
            }
        }
        return r.reshape('c', withRows(x.shape(), n * O)).castTo(x.dataType());
    }

    /**
     * The Gram of central finite differences of {@code activate} (inference mode, on the layer's DOUBLE twin) w.r.t.
     * every entry of the named parameters, contracted with the epsilons of {@link #factors}.
     *
     * @return {@code [n1·o, n2·o]} in the type of {@code x1}
     */
    private INDArray finiteDifferenceGram(Layer layer, INDArray x1, INDArray x2, String... params) {
        Layer d = doubleTwin(layer);
        INDArray[] x = {x1, x2};
        INDArray[] j = new INDArray[2];
        for (int b = 0; b < 2; b++) {
            INDArray xd = x[b].castTo(DataType.DOUBLE);
            long n = xd.size(0);
            INDArray e = perExampleRows(blockEps(activate(d, xd).castTo(x1.dataType()), b).castTo(DataType.DOUBLE),
                    n * O);
            List<INDArray> cols = new ArrayList<>();
            for (String name : params) {
                INDArray p = d.getParam(name);
                for (long c = 0; c < p.length(); c++) {
                    INDArray dz = perExampleRows(centralDifference(p, c, () -> activate(d, xd)), n);
                    INDArray col = Nd4j.create(DataType.DOUBLE, n * O, 1);
                    for (long i = 0; i < n; i++) {
                        for (int k = 0; k < O; k++) {
                            col.putScalar(i * O + k, 0, dz.getRow(i).mul(e.getRow(i * O + k)).sumNumber().doubleValue());
                        }
                    }
                    cols.add(col);
                }
            }
            j[b] = Nd4j.hstack(cols.toArray(new INDArray[0]));
        }
        return j[0].mmul(j[1].transpose()).castTo(x1.dataType());
    }

    /** @return {@code (f(a[idx] + h) − f(a[idx] − h)) / 2h}, {@code a} restored */
    private static INDArray centralDifference(INDArray a, long idx, Supplier<INDArray> f) {
        double v = a.getDouble(idx);
        a.putScalar(idx, v + H);
        INDArray plus = f.get();
        a.putScalar(idx, v - H);
        INDArray minus = f.get();
        a.putScalar(idx, v);
        return plus.subi(minus).divi(2 * H);
    }

    private static INDArray activate(Layer layer, INDArray x) {
        INDArray out = layer.activate(x.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
        layer.clear();
        return out;
    }

    /** @return {@code a} as {@code [rows, rest]} (C order) */
    private static INDArray perExampleRows(INDArray a, long rows) {
        return a.dup('c').reshape('c', new long[]{rows, a.length() / rows});
    }

    /** @return the same layer in DOUBLE holding the parameters of {@code layer} (itself when DOUBLE) */
    private Layer doubleTwin(Layer layer) {
        if (layer.params() != null && layer.params().dataType() == DataType.DOUBLE) {
            return layer;
        }
        Layer d = network.apply(DataType.DOUBLE).getLayer(layerIndex);
        d.paramTable().forEach((name, p) -> p.assign(layer.getParam(name).castTo(DataType.DOUBLE)));
        return d;
    }

    private static long[] withRows(long[] shape, long rows) {
        long[] s = shape.clone();
        s[0] = rows;
        return s;
    }

    /** @return the layer of the network, its gradient view initialised, as the engine's twin holds it */
    private Layer layer(DataType type) {
        MultiLayerNetwork net = network.apply(type);
        net.initGradientsView();
        return net.getLayer(layerIndex);
    }

    /** @return stacked epsilons {@code [n·o, ...]} shaped like the layer's output */
    private static INDArray eps(INDArray output, long seed) {
        return randn(output.dataType(), seed, withRows(output.shape(), output.size(0) * O));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void theRegistryChoosesThisRuleAndItsForwardIsActivate(DataType t) {
        Layer layer = layer(t);
        UnitRule rule = LayerRules.of(layer);
        assertEquals(ruleClass, rule.getClass(), "LayerRules.of");
        INDArray x = input(t, 1, 5);
        INDArray expected = layer.activate(x.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
        layer.clear();
        INDArray out = rule.forward(new INDArray[]{x.dup()}).output();
        assertEquals(t, out.dataType());
        assertClose(expected, out, Tolerances.of(t).exact(), ruleClass.getSimpleName() + " forward vs activate");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void inputEpsilonsAreTheReferenceBackwardPass(DataType t) {
        Layer layer = layer(t);
        UnitRule rule = LayerRules.of(layer);
        INDArray x = input(t, 2, 4);
        Forward f = rule.forward(new INDArray[]{x});
        INDArray eps = eps(f.output(), 3);
        INDArray got = rule.backward(new INDArray[]{x}, f, eps, O, ParamMode.STRUCTURED, true).inputEps()[0];
        INDArray expected = referenceInputEps(layer, x, eps);
        if (expected == null) {
            assertNull(got, "no input epsilons, as DL4J");
            return;
        }
        assertNotNull(got, "input epsilons");
        assertArrayEquals(expected.shape(), got.shape(), "input epsilon shape");
        double tol = t == DataType.DOUBLE && finiteDifferences ? Tolerances.DOUBLE.finiteDiff() : Tolerances.of(t).exact();
        assertClose(expected, got, tol, ruleClass.getSimpleName() + " input epsilons");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void gramIsTheExactFallbacksGram(DataType t) {
        Layer layer = layer(t);
        UnitRule rule = LayerRules.of(layer);
        INDArray x1 = input(t, 4, 4), x2 = input(t, 5, 3);
        if (layer.numParams() == 0) {
            // no parameters (a loss layer's activation): Θ gets nothing from the unit, and its factor says so
            assertFalse(rule.hasParameters(), ruleClass.getSimpleName() + " hasParameters without parameters");
            for (ParamMode mode : ParamMode.values()) {
                Forward f = rule.forward(new INDArray[]{x1});
                assertNull(rule.backward(new INDArray[]{x1}, f, blockEps(f.output(), 0), O, mode, false).factor(),
                        ruleClass.getSimpleName() + " " + mode + " factor of a unit without parameters");
            }
            return;
        }
        assertTrue(rule.hasParameters(), ruleClass.getSimpleName() + " hasParameters");
        double tol = t == DataType.DOUBLE && finiteDifferences ? Tolerances.DOUBLE.finiteDiff()
                : Tolerances.of(t).exact();
        INDArray reference = referenceGram(layer, x1, x2);
        for (ParamMode mode : ParamMode.values()) {
            Factor[] f = factors(rule, x1, x2, mode);
            String what = ruleClass.getSimpleName() + " " + mode;
            INDArray full = f[0].full(f[1]);
            assertArrayEquals(new long[]{4 * O, 3 * O}, full.shape(), what + " FULL shape");
            assertClose(reference, full, tol, what + " FULL Gram vs the reference");
            assertClose(diagonalSum(reference), f[0].traceSum(f[1]), tol, what + " TRACE sum vs the reference");
            assertClose(diagonalSum(full), f[0].traceSum(f[1]), Tolerances.of(t).exact(),
                    what + " TRACE sum = Σ_k FULL[i·o+k, j·o+k]");
        }
    }

    /** @return the stacked epsilons of block {@code b} (0 or 1) that {@link #factors} uses */
    private static INDArray blockEps(INDArray output, int b) {
        return eps(output, 6 + b);
    }

    private static Factor[] factors(UnitRule rule, INDArray x1, INDArray x2, ParamMode mode) {
        Forward f1 = rule.forward(new INDArray[]{x1});
        Factor a = rule.backward(new INDArray[]{x1}, f1, blockEps(f1.output(), 0), O, mode, false).factor();
        Forward f2 = rule.forward(new INDArray[]{x2});
        Factor b = rule.backward(new INDArray[]{x2}, f2, blockEps(f2.output(), 1), O, mode, false).factor();
        assertNotNull(a, "factor");
        return new Factor[]{a, b};
    }

    private static INDArray diagonalSum(INDArray full) {
        long n1 = full.size(0) / O, n2 = full.size(1) / O;
        INDArray r = Nd4j.zeros(full.dataType(), n1, n2);
        for (int k = 0; k < O; k++) {
            r.addi(full.get(NDArrayIndex.interval(k, O, full.size(0)), NDArrayIndex.interval(k, O, full.size(1))));
        }
        return r;
    }

    /** @return the common configuration of the contract's networks: seeded, SGD, in {@code type} */
    protected static NeuralNetConfiguration.Builder base(DataType type, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new Sgd(0.1))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER);
    }
}
