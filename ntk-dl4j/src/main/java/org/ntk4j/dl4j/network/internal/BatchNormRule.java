package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * BatchNormalization in inference mode: a per-channel affine map {@code y = γ x̂ + β},
 * {@code x̂ = (x − μ)/√(σ² + ε)} with the running statistics. Per-example gradients are
 * {@code ∂y/∂γ_c = Σ_s ε_{c,s} x̂_{c,s}} and {@code ∂y/∂β_c = Σ_s ε_{c,s}} (s: spatial positions); epsilons below are
 * {@code ε γ/√(σ² + ε)}. The running mean and variance are state, not parameters. (DL4J's own backward pass of this
 * layer uses minibatch statistics, so it cannot serve inference-mode gradients; this rule is used for both
 * implementations.)
 */
public final class BatchNormRule extends GenericLayerRule {
    private final BatchNormalization conf;
    private final boolean trainGamma;
    private final boolean trainBeta;

    /** @param layer a BatchNormalization layer of the twin network */
    public BatchNormRule(Layer layer) {
        super(layer);
        this.conf = (BatchNormalization) layer.conf().getLayer();
        this.trainGamma = trainable.contains(BatchNormalizationParamInitializer.GAMMA);
        this.trainBeta = trainable.contains(BatchNormalizationParamInitializer.BETA);
    }

    private int channelDim(INDArray x) {
        if (x.rank() == 2) {
            return 1;
        }
        if (x.rank() == 4) {
            return conf.getCnn2DFormat() == CNN2DFormat.NHWC ? 3 : 1;
        }
        throw new IllegalArgumentException("BatchNormalization layer '" + conf.getLayerName()
                + "': inputs of rank 2 or 4 are supported, got " + Arrays.toString(x.shape()));
    }

    private INDArray std() {
        INDArray var;
        if (conf.isUseLogStd()) {
            INDArray log10s = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
            var = Transforms.pow(Nd4j.valueArrayOf(log10s.shape(), 10.0, log10s.dataType()), log10s);
            var.muli(var);
        } else {
            var = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
        }
        return Transforms.sqrt(var.add(conf.getEps())).reshape(-1);
    }

    /** The multiplier of x̂ that DL4J's forward pass applies. */
    private INDArray gammaEffective(INDArray std) {
        if (conf.isLockGammaBeta()) {
            double g = conf.getGamma();
            double bt = conf.getBeta();
            // DL4J 1.0.0-M2.1 applies the fixed gamma only when gamma != 1 and beta != 0 (BatchNormalization.java:535)
            double eff = (g != 1.0 && bt != 0.0) ? g : 1.0;
            return Nd4j.valueArrayOf(std.shape(), eff, std.dataType());
        }
        return layer.getParam(BatchNormalizationParamInitializer.GAMMA).reshape(-1).dup();
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray x = inputs[0];
        int ch = channelDim(x);
        INDArray mean = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1);
        INDArray xhat = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, mean, xhat, ch));
        Nd4j.getExecutioner().exec(new BroadcastDivOp(xhat, std(), xhat, ch));
        INDArray out = layer.activate(x.dup(), false, mgr());
        layer.clear();
        return new Forward(out, xhat);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        int ch = channelDim(inputs[0]);
        INDArray epsIn = null;
        if (needInputEps) {
            INDArray std = std();
            INDArray scale = gammaEffective(std).divi(std);
            epsIn = Nd4j.createUninitialized(eps.dataType(), eps.shape(), 'c');
            Nd4j.getExecutioner().exec(new BroadcastMulOp(eps, scale, epsIn, ch));
        }
        Factor f = null;
        if (trainGamma || trainBeta) {
            INDArray xhat = Stacking.repeatExamples((INDArray) fwd.cache(), outputs);
            INDArray dGamma = null;
            INDArray dBeta = null;
            if (eps.rank() == 2) {
                dGamma = eps.mul(xhat);
                dBeta = eps;
            } else {
                int[] spatial = ch == 1 ? new int[]{2, 3} : new int[]{1, 2};
                dGamma = eps.mul(xhat).sum(spatial);
                dBeta = eps.sum(spatial);
            }
            INDArray g;
            if (trainGamma && trainBeta) {
                g = Nd4j.hstack(dGamma, dBeta);
            } else {
                g = trainGamma ? dGamma : dBeta;
            }
            f = new GradientFactor(g.dup('c'), outputs);
        }
        return new Backward(new INDArray[]{epsIn}, f);
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
