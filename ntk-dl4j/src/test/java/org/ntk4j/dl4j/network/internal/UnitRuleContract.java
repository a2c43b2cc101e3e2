package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The contract of a {@link UnitRule} for a layer (one subclass per layer rule): its forward pass is DL4J's
 * {@code layer.activate} in inference mode; its input epsilons are DL4J's {@code backpropGradient} (or, where DL4J's
 * backward pass is not the inference-mode derivative, central finite differences of {@code activate}); its factor's
 * Gram, FULL and TRACE, structured and explicit, equals that of the exact fallback {@link GenericLayerRule} on the same
 * layer. Tolerances come from the one table, {@link Tolerances}.
 */
abstract class UnitRuleContract extends NtkTestBase {
    /** Outputs o of the stacked epsilons. */
    private static final int O = 2;

    /**
     * @param type FLOAT or DOUBLE
     * @return an initialised network (already twin-like: no output layer at {@link #layerIndex()})
     */
    protected abstract MultiLayerNetwork network(DataType type);

    /** @return the index of the layer under test */
    protected abstract int layerIndex();

    /** @return the class of the rule {@link LayerRules} must choose for that layer */
    protected abstract Class<? extends UnitRule> ruleClass();

    /** @return {@code n} examples of the layer's input */
    protected abstract INDArray input(DataType type, long seed, int n);

    /**
     * @return the reference input epsilons {@code [n·o, ...]}: DL4J's {@code backpropGradient} on the examples
     *         repeated once per output
     */
    protected INDArray referenceInputEps(Layer layer, INDArray x, INDArray eps) {
        layer.setInput(Stacking.repeatExamples(x.dup('c'), O), LayerWorkspaceMgr.noWorkspaces());
        INDArray e = layer.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        INDArray r = e == null ? null : e.dup();
        layer.clear();
        return r;
    }

    /**
     * Central finite differences of {@code activate} (inference mode) w.r.t. each input entry, contracted with the
     * epsilons: for layers that treat examples independently. DOUBLE only.
     */
    protected static INDArray finiteDifferenceInputEps(Layer layer, INDArray x, INDArray eps) {
        double h = 1e-6;
        long n = x.size(0);
        long per = x.length() / n;
        INDArray r = org.nd4j.linalg.factory.Nd4j.create(x.dataType(), n * O, per);
        INDArray xf = x.dup('c');
        INDArray flat = xf.reshape('c', new long[]{xf.length()});
        INDArray epsFlat = eps.reshape('c', new long[]{n * O, eps.length() / (n * O)});
        for (long e = 0; e < per; e++) {
            for (long i = 0; i < n; i++) {
                long idx = i * per + e;
                double v = flat.getDouble(idx);
                flat.putScalar(idx, v + h);
                INDArray plus = layer.activate(xf.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
                flat.putScalar(idx, v - h);
                INDArray minus = layer.activate(xf.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
                flat.putScalar(idx, v);
                INDArray d = plus.sub(minus).divi(2 * h);
                INDArray di = d.get(NDArrayIndex.point(i)).dup('c').reshape('c', new long[]{1, d.length() / n});
                for (int k = 0; k < O; k++) {
                    long row = i * O + k;
                    r.putScalar(row, e, di.mul(epsFlat.getRow(row).reshape(new long[]{1, di.length()})).sumNumber().doubleValue());
                }
            }
        }
        layer.clear();
        return r.reshape('c', withRows(x.shape(), n * O));
    }

    /**
     * @param layer the layer under test, FLOAT or DOUBLE
     * @return the same layer in DOUBLE holding its parameters (itself when DOUBLE), for DOUBLE references
     */
    protected Layer doubleTwin(Layer layer) {
        if (layer.getParam(layer.paramTable().keySet().iterator().next()).dataType() == DataType.DOUBLE) {
            return layer;
        }
        Layer d = network(DataType.DOUBLE).getLayer(layerIndex());
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
        MultiLayerNetwork net = network(type);
        net.initGradientsView();
        return net.getLayer(layerIndex());
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
        assertEquals(ruleClass(), rule.getClass(), "LayerRules.of");
        INDArray x = input(t, 1, 5);
        INDArray expected = layer.activate(x.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
        layer.clear();
        INDArray out = rule.forward(new INDArray[]{x.dup()}).output();
        assertEquals(t, out.dataType());
        assertClose(expected, out, Tolerances.of(t).exact(), ruleClass().getSimpleName() + " forward vs activate");
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
        double tol = t == DataType.DOUBLE && usesFiniteDifferences() ? Tolerances.DOUBLE.finiteDiff() : Tolerances.of(t).exact();
        assertClose(expected, got, tol, ruleClass().getSimpleName() + " input epsilons");
    }

    /** @return whether {@link #referenceInputEps} is a finite-difference reference */
    protected boolean usesFiniteDifferences() {
        return false;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void gramIsTheExactFallbacksGram(DataType t) {
        Layer layer = layer(t);
        UnitRule rule = LayerRules.of(layer);
        INDArray x1 = input(t, 4, 4), x2 = input(t, 5, 3);
        double tol = t == DataType.DOUBLE && usesFiniteDifferences() ? Tolerances.DOUBLE.finiteDiff()
                : Tolerances.of(t).exact();
        INDArray reference = referenceGram(layer, x1, x2);
        for (ParamMode mode : ParamMode.values()) {
            Factor[] f = factors(rule, x1, x2, mode);
            String what = ruleClass().getSimpleName() + " " + mode;
            INDArray full = f[0].full(f[1]);
            assertArrayEquals(new long[]{4 * O, 3 * O}, full.shape(), what + " FULL shape");
            assertClose(reference, full, tol, what + " FULL Gram vs the reference");
            assertClose(diagonalSum(reference), f[0].traceSum(f[1]), tol, what + " TRACE sum vs the reference");
            assertClose(diagonalSum(full), f[0].traceSum(f[1]), Tolerances.of(t).exact(),
                    what + " TRACE sum = Σ_k FULL[i·o+k, j·o+k]");
        }
    }

    /**
     * @return the reference Gram {@code [n1·o, n2·o]} of the layer's per-example parameter gradients on the two
     *         blocks (with the epsilons {@link #factors} uses): that of the exact fallback {@link GenericLayerRule}
     */
    protected INDArray referenceGram(Layer layer, INDArray x1, INDArray x2) {
        Factor[] g = factors(new GenericLayerRule(layer), x1, x2, ParamMode.JACOBIAN);
        return g[0].full(g[1]);
    }

    /**
     * Central finite differences of {@code activate} (inference mode) w.r.t. each entry of the named parameters,
     * contracted with the epsilons: the per-example gradients {@code [n·o, P]}. DOUBLE only.
     */
    protected static INDArray finiteDifferenceParamGradients(Layer layer, INDArray x, INDArray eps, String... params) {
        double h = 1e-6;
        long n = x.size(0);
        INDArray epsFlat = eps.reshape('c', new long[]{n * O, eps.length() / (n * O)});
        java.util.List<INDArray> cols = new java.util.ArrayList<>();
        for (String name : params) {
            INDArray p = layer.getParam(name);
            for (long e = 0; e < p.length(); e++) {
                double v = p.getDouble(e);
                p.putScalar(e, v + h);
                INDArray plus = layer.activate(x.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
                p.putScalar(e, v - h);
                INDArray minus = layer.activate(x.dup(), false, LayerWorkspaceMgr.noWorkspaces()).dup();
                p.putScalar(e, v);
                INDArray d = plus.sub(minus).divi(2 * h).reshape('c', new long[]{n, epsFlat.size(1)});
                INDArray col = org.nd4j.linalg.factory.Nd4j.create(x.dataType(), n * O, 1);
                for (long i = 0; i < n; i++) {
                    for (int k = 0; k < O; k++) {
                        col.putScalar(i * O + k, 0, d.getRow(i).mul(epsFlat.getRow(i * O + k)).sumNumber().doubleValue());
                    }
                }
                cols.add(col);
            }
        }
        layer.clear();
        return org.nd4j.linalg.factory.Nd4j.hstack(cols.toArray(new INDArray[0]));
    }

    /** @return the stacked epsilons of block {@code b} (0 or 1) that {@link #factors} uses */
    protected static INDArray blockEps(INDArray output, int b) {
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
        INDArray r = org.nd4j.linalg.factory.Nd4j.zeros(full.dataType(), n1, n2);
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
