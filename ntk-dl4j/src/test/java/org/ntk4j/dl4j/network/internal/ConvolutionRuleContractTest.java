package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/** The UnitRule contract for {@link ConvolutionRule}: 3×3, stride 2, SAME padding, 2 → 3 channels on 5×6 NCHW. */
class ConvolutionRuleContractTest extends UnitRuleContract {
    ConvolutionRuleContractTest() {
        super(ConvolutionRule.class, 0, false, type -> init(base(type, 14).list()
                        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(3)
                                .convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).biasInit(0.1).build())
                        .layer(new DenseLayer.Builder().nOut(2).activation(Activation.TANH).build())
                        .setInputType(InputType.convolutional(5, 6, 2))),
                (type, seed, n) -> randn(type, seed, n, 2, 5, 6));
    }
}
