package org.ntk4j.dl4j.analytic.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Empirical kernels of one finite network made only of {@code DenseLayer}s and an {@code OutputLayer}, of the output
 * <b>pre-activation</b> {@code z = h_{L−1} W_L + b_L}, TRACE (mean over the output units), computed in DOUBLE from the
 * network's own parameters and activation derivatives:
 * <pre>
 *   NTK:  Θ = (1/o) Σ_k Σ_l (A_{l−1} A'_{l−1}ᵀ + [layer l has bias]) ⊙ (Δ_l^k Δ'_l^kᵀ),
 *         Δ_L^k = e_k,  Δ_{l−1}^k = (Δ_l^k W_lᵀ) ⊙ φ'_{l−1}(Z_{l−1})
 *   NNGP: (1/o) (z − b_L)(z' − b_L)ᵀ = (1/o) (A_{L−1} W_L)(A'_{L−1} W_L)ᵀ
 * </pre>
 * with {@code A_0 = x}, {@code A_l} the activations from {@code feedForward(x, false)} and {@code Z_l} the
 * pre-activations recomputed as {@code A_{l−1} W_l + b_l}. The NNGP sample subtracts the output bias, which at
 * initialisation is the constant {@code biasInit}: it is an unbiased sample of the output covariance.
 */
public final class DenseStackKernels {
    private DenseStackKernels() {
    }

    /**
     * @return TRACE NTK {@code [n1, n2]} (DOUBLE) of the output pre-activation over every weight and bias
     */
    public static INDArray ntk(MultiLayerNetwork net, INDArray x1, INDArray x2) {
        check(net);
        Pass a = new Pass(net, x1);
        Pass b = x2 == null ? a : new Pass(net, x2);
        int layers = net.getnLayers();
        long outputs = a.w[layers - 1].size(1);
        INDArray theta = Nd4j.zeros(DataType.DOUBLE, a.n, b.n);
        INDArray[] gram = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            gram[l] = a.act.get(l).mmul(b.act.get(l).transpose());
            if (a.hasBias[l]) {
                gram[l].addi(1.0);
            }
        }
        for (int k = 0; k < outputs; k++) {
            a.delta(k);
            if (b != a) {
                b.delta(k);
            }
            for (int l = 0; l < layers; l++) {
                theta.addi(gram[l].mul(a.deltas[l].mmul(b.deltas[l].transpose())));
            }
        }
        return theta.divi(outputs);
    }

    /** @return TRACE NNGP sample {@code [n1, n2]} (DOUBLE): (1/o) of the centred output pre-activation products */
    public static INDArray nngp(MultiLayerNetwork net, INDArray x1, INDArray x2) {
        check(net);
        Pass a = new Pass(net, x1);
        Pass b = x2 == null ? a : new Pass(net, x2);
        int last = net.getnLayers() - 1;
        INDArray za = a.act.get(last).mmul(a.w[last]);
        INDArray zb = b.act.get(last).mmul(b.w[last]);
        return za.mmul(zb.transpose()).divi(za.size(1));
    }

    private static void check(MultiLayerNetwork net) {
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            Object c = net.getLayer(i).conf().getLayer();
            boolean ok = c.getClass() == DenseLayer.class || (i == n - 1 && c.getClass() == OutputLayer.class);
            if (!ok) {
                throw new IllegalArgumentException("layer " + i + " (" + c.getClass().getSimpleName() + "): the built-in "
                        + "per-network kernels support DenseLayers followed by a DenseLayer or OutputLayer only; plug "
                        + "an empirical NTK (e.g. EmpiricalNtk) into MonteCarloKernels for other networks");
            }
            if (c instanceof DenseLayer d && d.hasLayerNorm()) {
                throw new IllegalArgumentException("layer " + i + " (DenseLayer) uses layer normalisation, which the "
                        + "built-in per-network kernels do not support");
            }
        }
    }

    /** Forward quantities of one input set, in DOUBLE. */
    private static final class Pass {
        final int n;
        final List<INDArray> act;
        final INDArray[] w;
        final INDArray[] bias;
        final boolean[] hasBias;
        final IActivation[] phi;
        final INDArray[] deltas;

        Pass(MultiLayerNetwork net, INDArray x) {
            int layers = net.getnLayers();
            INDArray input = x.castTo(net.getLayerWiseConfigurations().getDataType());
            List<INDArray> ff = net.feedForward(input, false);
            act = new java.util.ArrayList<>();
            for (INDArray a : ff) {
                act.add(a.castTo(DataType.DOUBLE));
            }
            n = (int) x.size(0);
            w = new INDArray[layers];
            bias = new INDArray[layers];
            hasBias = new boolean[layers];
            phi = new IActivation[layers];
            deltas = new INDArray[layers];
            for (int l = 0; l < layers; l++) {
                Layer layer = net.getLayer(l);
                w[l] = layer.getParam(DefaultParamInitializer.WEIGHT_KEY).castTo(DataType.DOUBLE);
                INDArray b = layer.paramTable().get(DefaultParamInitializer.BIAS_KEY);
                hasBias[l] = b != null;
                bias[l] = b == null ? null : b.castTo(DataType.DOUBLE);
                phi[l] = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
            }
        }

        /** Fills deltas[l] = ∂z_L[k]/∂z_l, [n, width_l]. */
        void delta(int k) {
            int layers = w.length;
            INDArray d = Nd4j.zeros(DataType.DOUBLE, n, w[layers - 1].size(1));
            d.getColumn(k).assign(1.0);
            deltas[layers - 1] = d;
            for (int l = layers - 1; l > 0; l--) {
                INDArray z = act.get(l - 1).mmul(w[l - 1]);
                if (hasBias[l - 1]) {
                    z.addiRowVector(bias[l - 1]);
                }
                INDArray back = d.mmul(w[l].transpose());
                d = phi[l - 1].backprop(z, back).getFirst();
                deltas[l - 1] = d;
            }
        }
    }
}
