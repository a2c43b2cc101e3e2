package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;

/**
 * The UnitRule contract for {@link SameDiffLayerRule}: a SelfAttentionLayer (3 → 4 channels, 2 heads of size 2,
 * projected input) on NCW sequences {@code [n, 3, 4]}, outputs {@code [n, 4, 4]}. DL4J's backward pass of a SameDiff
 * layer doubles its seed (see {@link SameDiffSeed}) and the rule is that pass corrected, so the references are
 * independent: central finite differences of the inference-mode output w.r.t. the input and every parameter, in
 * DOUBLE.
 */
class SameDiffLayerRuleContractTest extends UnitRuleContract {
    SameDiffLayerRuleContractTest() {
        super(SameDiffLayerRule.class, 0, true, type -> init(base(type, 21).list()
                        .layer(new SelfAttentionLayer.Builder().nIn(3).nOut(4).nHeads(2).headSize(2).projectInput(true)
                                .build())
                        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                        .setInputType(InputType.recurrent(3, 4))),
                (type, seed, n) -> randn(type, seed, n, 3, 4));
    }
}
