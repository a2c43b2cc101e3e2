package org.ntk4j.dl4j.linearized;

import org.ntk4j.dl4j.linearized.internal.KernelEngine;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.MemoryBudget;

/**
 * The exact empirical NTK from explicit per-example Jacobians: for every example and output, one batch-1 backward pass
 * of a private copy of the network whose loss gradient is a one-hot row gives the row {@code ∂f_k(x_i)/∂θ} of
 * {@code J [n·o, P]}; the kernel is {@code J1 J2ᵀ}. Cost O(n·o) backward passes and {@code n·o·P} memory: meant for
 * small problems and as the reference of faster engines.
 *
 * <p>Requirements: the last layer is a {@code BaseOutputLayer} (e.g. {@code OutputLayer}); no dropout (the backward
 * passes run in training mode); no batch normalization.
 */
final class JacobianKernelEngine implements KernelEngine {

    @Override
    public INDArray flatKernel(org.deeplearning4j.nn.api.Model model, INDArray x1, INDArray x2) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        INDArray j1 = jacobian(net, x1);
        INDArray j2 = x2 == null ? j1 : jacobian(net, x2);
        return j1.mmul(j2.transpose());
    }

    @Override
    public long workspaceBytes(org.deeplearning4j.nn.api.Model net, long n1, long n2, long o) {
        return MemoryBudget.bytes(net.params().dataType(), (n1 + n2) * o, net.numParams());
    }

    /**
     * @param net the network
     * @param x   features {@code [n, ...]}
     * @return {@code J [n·o, P]}, rows example-major, columns in the layout of {@code net.params()}
     */
    public static INDArray jacobian(MultiLayerNetwork net, INDArray x) {
        check(net);
        MultiLayerNetwork probe = net.clone();
        BaseOutputLayer out = (BaseOutputLayer) probe.getLayerWiseConfigurations()
                .getConf(probe.getnLayers() - 1).getLayer();
        out.setLossFn(new OutputGradientLoss());
        DataType type = net.params().dataType();
        INDArray xt = x.castTo(type);
        long n = xt.size(0);
        int o = (int) out.getNOut();
        long p = net.numParams();
        INDArray jac = Nd4j.create(type, n * o, p);
        for (long i = 0; i < n; i++) {
            INDArray xi = xt.get(NDArrayIndex.interval(i, i + 1)).dup();
            for (int k = 0; k < o; k++) {
                INDArray label = Nd4j.zeros(type, 1, o);
                label.putScalar(0, k, 1.0);
                probe.setInput(xi);
                probe.setLabels(label);
                probe.computeGradientAndScore();
                jac.putRow(i * o + k, probe.gradient().gradient().reshape(p));
            }
        }
        return jac;
    }

    private static void check(MultiLayerNetwork net) {
        int last = net.getnLayers() - 1;
        if (!(net.getLayerWiseConfigurations().getConf(last).getLayer() instanceof BaseOutputLayer)) {
            throw new IllegalArgumentException("the per-example Jacobian kernel needs a network ending in an "
                    + "OutputLayer (got " + net.getLayerWiseConfigurations().getConf(last).getLayer().getClass()
                    .getSimpleName() + ")");
        }
        for (NeuralNetConfiguration c : net.getLayerWiseConfigurations().getConfs()) {
            if (c.getLayer().getIDropout() != null) {
                throw new IllegalArgumentException("layer " + c.getLayer().getLayerName() + " uses dropout; the NTK is "
                        + "defined in inference mode: remove dropout from the configuration");
            }
            if (c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                throw new IllegalArgumentException("batch normalization is not supported by the per-example Jacobian "
                        + "kernel");
            }
        }
    }
}
