package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Structured rule of a 2-D ConvolutionLayer {@code z = conv(x, W) + b}: with the im2col patches {@code C_i}
 * ({@code [positions, c_in·kH·kW]}) of example {@code i} and {@code Δ_ik = σ'(z) ⊙ ε} ({@code [positions, c_out]}),
 * the per-example weight gradient is {@code C_iᵀ Δ_ik} and the bias gradient {@code Σ_positions Δ_ik}. All of them are
 * formed in one batched product (no backward pass per example), then contracted like explicit gradients; the rule
 * holds one layer's gradient per example and output, {@code c_in·kH·kW·c_out + c_out} numbers, in memory.
 * Epsilons below come from DL4J's own backward pass of the layer.
 */
public final class ConvolutionRule extends GenericLayerRule {
    private final ConvolutionLayer conf;
    private final IActivation activation;
    private final boolean trainW;
    private final boolean trainB;

    private ConvolutionRule(Layer layer) {
        super(layer);
        this.conf = (ConvolutionLayer) layer.conf().getLayer();
        this.activation = conf.getActivationFn();
        this.trainW = trainable.contains(ConvolutionParamInitializer.WEIGHT_KEY);
        this.trainB = conf.hasBias() && trainable.contains(ConvolutionParamInitializer.BIAS_KEY);
    }

    /**
     * @param layer a ConvolutionLayer of the twin network
     * @return its rule
     */
    public static UnitRule forLayer(Layer layer) {
        return new ConvolutionRule(layer);
    }

    private record Cache(INDArray cols, INDArray z) {
    }

    private boolean nhwc() {
        return conf.getCnn2dDataFormat() == CNN2DFormat.NHWC;
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray out = layer.activate(inputs[0].dup(), false, mgr());
        layer.clear();
        INDArray x = nhwc() ? inputs[0].permute(0, 3, 1, 2).dup('c') : inputs[0];
        INDArray w = layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        long n = x.size(0), cIn = w.size(1), kH = w.size(2), kW = w.size(3), cOut = w.size(0);
        int[] k = conf.getKernelSize(), s = conf.getStride(), d = conf.getDilation();
        boolean same = conf.getConvolutionMode() == ConvolutionMode.Same;
        int[] pad;
        int[] outSize;
        if (same) {
            outSize = ConvolutionUtils.getOutputSize(x, k, s, null, ConvolutionMode.Same, d, CNN2DFormat.NCHW);
            pad = ConvolutionUtils.getSameModeTopLeftPadding(outSize, new int[]{(int) x.size(2), (int) x.size(3)}, k, s, d);
        } else {
            pad = conf.getPadding();
            outSize = ConvolutionUtils.getOutputSize(x, k, s, pad, conf.getConvolutionMode(), d, CNN2DFormat.NCHW);
        }
        long oh = outSize[0], ow = outSize[1];
        INDArray col = Nd4j.createUninitialized(w.dataType(), new long[]{n, oh, ow, cIn, kH, kW}, 'c');
        Convolution.im2col(x.castTo(w.dataType()), (int) kH, (int) kW, s[0], s[1], pad[0], pad[1], d[0], d[1], same,
                col.permute(0, 3, 4, 5, 1, 2));
        INDArray cols = col.reshape('c', n, oh * ow, cIn * kH * kW);
        INDArray w2 = w.dup('c').reshape('c', cOut, cIn * kH * kW);
        INDArray z = cols.reshape('c', n * oh * ow, cIn * kH * kW).mmul(w2.transpose());
        if (conf.hasBias()) {
            z.addiRowVector(layer.getParam(ConvolutionParamInitializer.BIAS_KEY));
        }
        // [n, oh, ow, cOut] -> layer's format
        INDArray z4 = z.reshape('c', n, oh, ow, cOut);
        z4 = nhwc() ? z4.dup('c') : z4.permute(0, 3, 1, 2).dup('c');
        return new Forward(out, new Cache(cols, z4));
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        Backward viaDl4j = super.backward(inputs, fwd, eps, outputs, ParamMode.STRUCTURED, needInputEps);
        if (!(trainW || trainB) || mode == ParamMode.JACOBIAN) {
            Factor f = trainW || trainB ? new GradientFactor(perExampleGradients(inputs[0], eps, outputs), outputs) : null;
            return new Backward(viaDl4j.inputEps(), f);
        }
        Cache c = (Cache) fwd.cache();
        INDArray delta = Activations.delta(activation, c.z(), eps, outputs);
        // to [n·o, positions, cOut]
        INDArray d3 = nhwc() ? delta : delta.permute(0, 2, 3, 1);
        long no = d3.size(0), cOut = d3.size(3);
        d3 = d3.dup('c').reshape('c', no, d3.size(1) * d3.size(2), cOut);
        INDArray g = null;
        if (trainW) {
            INDArray colsRep = Stacking.repeatExamples(c.cols(), outputs);            // [n·o, P, K]
            INDArray gw = Nd4j.matmul(colsRep, d3, true, false, false);               // [n·o, K, cOut]
            g = gw.reshape('c', no, gw.size(1) * cOut);
        }
        if (trainB) {
            INDArray gb = d3.sum(1);                                                  // [n·o, cOut]
            g = g == null ? gb : Nd4j.hstack(g, gb);
        }
        return new Backward(viaDl4j.inputEps(), new GradientFactor(g.dup('c'), outputs));
    }

    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        return refuseMask(inputMasks);
    }

    @Override
    protected boolean forwardBeforeBackward() {
        return false;
    }

    @Override
    public boolean structured() {
        return true;
    }
}
