package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * RnnOutputLayer without its loss: {@code y_t = σ(a_t W + b)} at every time step, NCW {@code [n, o, T]} or NWC
 * {@code [n, T, o]}. The per-example gradient of output entry {@code r} is {@code Σ_t a_t ⊗ Δ_{r,t}} for W and
 * {@code Σ_t Δ_{r,t}} for b, computed with one GEMM per example ({@code [d, T] × [T, m·o]}); epsilons below are
 * {@code Δ Wᵀ} per time step. Both implementations use these exact gradients (DL4J's own backward pass of this layer
 * needs labels).
 */
final class SequenceOutputRule extends OuterProductRule {
    private final int channelAxis;

    SequenceOutputRule(Layer layer) {
        super(layer);
        RNNFormat f = ((RnnOutputLayer) layer.conf().getLayer()).getRnnDataFormat();
        this.channelAxis = f == RNNFormat.NWC ? 2 : 1;
    }

    /** The mask passes on to the network output, where masked steps stop being outputs (see NtkEngine). */
    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        return inputMasks[0];
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray a = inputs[0];
        if (a.rank() != 3 || a.size(channelAxis) != w.size(0)) {
            throw new IllegalArgumentException("layer '" + layer.conf().getLayer().getLayerName() + "' (RnnOutputLayer)"
                    + " expects sequences with " + w.size(0) + " features " + (channelAxis == 1 ? "[n, " + w.size(0)
                    + ", T]" : "[n, T, " + w.size(0) + "]") + ", got " + java.util.Arrays.toString(a.shape()));
        }
        INDArray z = ChannelsLast.rows(a, channelAxis).mmul(w);
        if (b != null) {
            z.addiRowVector(b);
        }
        INDArray y = activation.getActivation(z.dup(), false);
        return new Forward(ChannelsLast.unrows(y, a, channelAxis, a.size(0)), z);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray a = inputs[0];
        long n = a.size(0), t = a.size(3 - channelAxis), d = w.size(0), o = w.size(1);
        INDArray z = (INDArray) fwd.cache(); // [n·T, o]
        INDArray e = ChannelsLast.rows(eps, channelAxis); // [n·m·T, o]
        INDArray delta = Activations.delta(activation, z.reshape('c', n, t * o), e.reshape('c', n * outputs, t * o),
                outputs, z, e); // [n·m, T·o]
        INDArray delta2 = delta.reshape('c', n * outputs * t, o);
        INDArray epsIn = needInputEps
                ? ChannelsLast.unrows(delta2.mmul(w.transpose()), a, channelAxis, n * outputs) : null;
        if (!(trainW || trainB)) {
            return new Backward(new INDArray[]{epsIn}, null);
        }
        long pw = trainW ? d * o : 0, pb = trainB ? o : 0;
        INDArray g = Nd4j.create(z.dataType(), n * outputs, pw + pb);
        INDArray rows = ChannelsLast.rows(a, channelAxis); // [n·T, d]
        INDArray d4 = delta2.reshape('c', n, outputs, t, o);
        for (long i = 0; i < n; i++) {
            INDArray di = d4.get(NDArrayIndex.point(i)); // [m, T, o]
            INDArray gi = g.get(NDArrayIndex.interval(i * outputs, (i + 1) * outputs), NDArrayIndex.all());
            if (trainW) {
                INDArray ai = rows.get(NDArrayIndex.interval(i * t, (i + 1) * t), NDArrayIndex.all()); // [T, d]
                INDArray dt = di.permute(1, 0, 2).dup('c').reshape('c', t, outputs * o); // [T, m·o]
                INDArray gw = ai.transpose().mmul(dt).reshape('c', d, outputs, o); // [d, m, o]
                // W is stored column-major: entry (p, q) at p + q·d, so row k is gw[:, k, :] read as [o, d]
                gi.get(NDArrayIndex.all(), NDArrayIndex.interval(0, pw))
                        .assign(gw.permute(1, 2, 0).dup('c').reshape('c', outputs, d * o));
            }
            if (trainB) {
                gi.get(NDArrayIndex.all(), NDArrayIndex.interval(pw, pw + pb)).assign(di.sum(1));
            }
        }
        return new Backward(new INDArray[]{epsIn}, new GradientFactor(g, outputs));
    }
}
