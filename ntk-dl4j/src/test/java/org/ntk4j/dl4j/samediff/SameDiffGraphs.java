package org.ntk4j.dl4j.samediff;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkAssertions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** SameDiff test graphs and the finite-difference reference kernel. */
final class SameDiffGraphs {
    private SameDiffGraphs() {
    }

    /** How a dense layer adds its bias. */
    enum Bias { BIAS_ADD, ADD, LINEAR }

    /**
     * An MLP {@code input [-1, dims[0]] -> tanh hidden layers -> output [-1, dims[last]]} (identity output), weights
     * N(0, 1/fan_in), biases N(0, 0.1²), plus a label placeholder and an MSE loss named "loss".
     */
    static SameDiff mlp(DataType type, long seed, Bias bias, int... dims) {
        SameDiff sd = SameDiff.create();
        SDVariable h = sd.placeHolder("input", type, -1, dims[0]);
        for (int l = 1; l < dims.length; l++) {
            INDArray w = NtkAssertions.gaussian(type, seed + 2L * l, dims[l - 1], dims[l]).divi(Math.sqrt(dims[l - 1]));
            INDArray b = NtkAssertions.gaussian(type, seed + 2L * l + 1, dims[l]).muli(0.1);
            SDVariable wv = sd.var("w" + l, w);
            SDVariable bv = sd.var("b" + l, b);
            boolean last = l == dims.length - 1;
            String zName = last ? "output" : "z" + l;
            SDVariable z = switch (bias) {
                case BIAS_ADD -> sd.nn.biasAdd(zName, h.mmul(wv), bv, true);
                case ADD -> h.mmul(wv).add(zName, bv);
                case LINEAR -> sd.nn.linear(zName, h, wv, bv);
            };
            h = last ? z : sd.math.tanh("a" + l, z);
        }
        SDVariable label = sd.placeHolder("label", type, -1, dims[dims.length - 1]);
        sd.loss.meanSquaredError("loss", label, h, null);
        return sd;
    }

    /**
     * {@code input [-1, d] -> dense(h) -> layer norm (trainable gain and bias) -> tanh -> scale by a trainable vector
     * and add sin(z)·c (custom elementwise chain) -> dense(o) -> output}.
     */
    static SameDiff layerNormNet(DataType type, long seed, int d, int h, int o) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", type, -1, d);
        SDVariable w1 = sd.var("w1", NtkAssertions.gaussian(type, seed, d, h).divi(Math.sqrt(d)));
        SDVariable b1 = sd.var("b1", NtkAssertions.gaussian(type, seed + 1, h).muli(0.1));
        SDVariable z = sd.nn.biasAdd("z1", x.mmul(w1), b1, true);
        SDVariable gain = sd.var("gain", NtkAssertions.gaussian(type, seed + 2, h).muli(0.2).addi(1));
        SDVariable shift = sd.var("shift", NtkAssertions.gaussian(type, seed + 3, h).muli(0.1));
        SDVariable ln = sd.nn.layerNorm("ln", z, gain, shift, false, 1);
        SDVariable scale = sd.var("scale", NtkAssertions.gaussian(type, seed + 4, h).muli(0.3).addi(1));
        SDVariable c = sd.var("c", NtkAssertions.gaussian(type, seed + 5, 1, h).muli(0.5));
        SDVariable a = sd.math.tanh(ln).mul(scale).add(sd.math.sin(z).mul(c));
        SDVariable w2 = sd.var("w2", NtkAssertions.gaussian(type, seed + 6, h, o).divi(Math.sqrt(h)));
        SDVariable b2 = sd.var("b2", NtkAssertions.gaussian(type, seed + 7, o).muli(0.1));
        sd.nn.biasAdd("output", a.mmul(w2), b2, true);
        return sd;
    }

    /** A weight used twice (tied): {@code a1 = tanh(x·W0 + b0), a2 = tanh(a1·W), a3 = tanh(a2·W), output = a3·V}. */
    static SameDiff tiedNet(DataType type, long seed, int d, int h, int o) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", type, -1, d);
        SDVariable w0 = sd.var("w0", NtkAssertions.gaussian(type, seed, d, h).divi(Math.sqrt(d)));
        SDVariable b0 = sd.var("b0", NtkAssertions.gaussian(type, seed + 1, h).muli(0.1));
        SDVariable w = sd.var("w", NtkAssertions.gaussian(type, seed + 2, h, h).divi(Math.sqrt(h)));
        SDVariable v = sd.var("v", NtkAssertions.gaussian(type, seed + 3, h, o).divi(Math.sqrt(h)));
        SDVariable a1 = sd.math.tanh(x.mmul(w0).add(b0));
        SDVariable a3 = sd.math.tanh(sd.math.tanh(a1.mmul(w)).mmul(w));
        sd.mmul("output", a3, v);
        return sd;
    }

    /**
     * A small convolutional net on {@code [-1, 2, 6, 5]} images: conv 3x3 (3 channels, NCHW, trainable bias; stride
     * and padding mode given) -> tanh -> flatten -> dense(o) -> output.
     */
    static SameDiff convNet(DataType type, long seed, int o, int stride, boolean same) {
        return convNet(type, seed, o, stride, same, 1);
    }

    /** As {@link #convNet(DataType, long, int, int, boolean)} with a dilation. */
    static SameDiff convNet(DataType type, long seed, int o, int stride, boolean same, int dilation) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", type, -1, 2, 6, 5);
        SDVariable k = sd.var("k", NtkAssertions.gaussian(type, seed, 3, 3, 2, 3).divi(Math.sqrt(18)));
        SDVariable kb = sd.var("kb", NtkAssertions.gaussian(type, seed + 1, 3).muli(0.1));
        SDVariable c = sd.cnn.conv2d(x, k, kb, org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig
                .builder().kH(3).kW(3).sH(stride).sW(stride).dH(dilation).dW(dilation).dataFormat("NCHW")
                .paddingMode(same ? org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.SAME
                        : org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID).build());
        int ek = 2 * dilation + 1;
        long oh = same ? (6 + stride - 1) / stride : (6 - ek) / stride + 1;
        long ow = same ? (5 + stride - 1) / stride : (5 - ek) / stride + 1;
        long flatSize = 3 * oh * ow;
        SDVariable flat = sd.reshape(sd.math.tanh(c), -1, flatSize);
        SDVariable w = sd.var("w", NtkAssertions.gaussian(type, seed + 2, flatSize, o).divi(Math.sqrt(flatSize)));
        SDVariable b = sd.var("b", NtkAssertions.gaussian(type, seed + 3, o).muli(0.1));
        sd.nn.biasAdd("output", flat.mmul(w), b, true);
        return sd;
    }

    /** @return the trainable variables of sd */
    static List<String> trainables(SameDiff sd) {
        List<String> r = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                r.add(v.name());
            }
        }
        return r;
    }

    /** @return sd's output for features x, in DOUBLE */
    static INDArray output(SameDiff sd, String in, String out, INDArray x) {
        return sd.output(Map.of(in, x), out).get(out).castTo(DataType.DOUBLE).dup();
    }

    /**
     * Central finite differences of the graph output w.r.t. every element of every trainable variable:
     * {@code [n*o, P]}, row {@code i*o + k}. Restores every parameter.
     */
    static INDArray fdJacobian(SameDiff sd, String in, String out, INDArray x, double h) {
        INDArray f0 = output(sd, in, out, x);
        long n = f0.size(0), o = f0.size(1);
        List<INDArray> cols = new ArrayList<>();
        for (String p : trainables(sd)) {
            INDArray arr = sd.getVariable(p).getArr();
            for (long e = 0; e < arr.length(); e++) {
                double v = arr.getDouble(e);
                arr.putScalar(e, v + h);
                INDArray plus = output(sd, in, out, x);
                arr.putScalar(e, v - h);
                INDArray minus = output(sd, in, out, x);
                arr.putScalar(e, v);
                cols.add(plus.sub(minus).divi(2 * h).reshape(n * o, 1));
            }
        }
        return Nd4j.hstack(cols.toArray(new INDArray[0]));
    }

    /** The FULL kernel [n1, n2, o, o] from finite differences, DOUBLE. */
    static INDArray fdKernel(SameDiff sd, String in, String out, INDArray x1, INDArray x2, double h) {
        INDArray j1 = fdJacobian(sd, in, out, x1, h);
        INDArray j2 = x2 == null ? j1 : fdJacobian(sd, in, out, x2, h);
        long o = output(sd, in, out, x1.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))).size(1);
        return KernelLayout.unflatten(j1.mmul(j2.transpose()), (int) o);
    }
}
