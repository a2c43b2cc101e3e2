package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/** User SameDiff layers of the kind DL4J's documentation shows, for the engine's tests. */
final class UserSameDiffLayers {
    private UserSameDiffLayers() {
    }

    /** {@code tanh(x W + b)} on {@code [n, nIn]}. */
    public static final class TanhDense extends SameDiffLayer {
        private long nIn;
        private long nOut;

        public TanhDense() {
        }

        public TanhDense(long nIn, long nOut) {
            this.nIn = nIn;
            this.nOut = nOut;
        }

        public long getNIn() {
            return nIn;
        }

        public void setNIn(long nIn) {
            this.nIn = nIn;
        }

        public long getNOut() {
            return nOut;
        }

        public void setNOut(long nOut) {
            this.nOut = nOut;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
            return sd.math.tanh(x.mmul(p.get("W")).add(p.get("b")));
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("W", nIn, nOut);
            params.addBiasParam("b", 1, nOut);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("W").assign(Nd4j.randn(params.get("W").dataType(), nIn, nOut).muli(1.0 / Math.sqrt(nIn)));
            params.get("b").assign(0.1);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return InputType.feedForward(nOut);
        }
    }

    /** {@code x · sigmoid(x)} (swish), parameter-free. */
    public static final class Swish extends SameDiffLambdaLayer {
        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x) {
            return x.mul(sd.nn.sigmoid(x));
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    /** {@code a ⊙ tanh(b)} of two inputs, parameter-free. */
    public static final class GatedProduct extends org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaVertex {
        @Override
        public SDVariable defineVertex(SameDiff sd, VertexInputs inputs) {
            return inputs.getInput(0).mul(sd.math.tanh(inputs.getInput(1)));
        }

        @Override
        public org.deeplearning4j.nn.conf.graph.GraphVertex clone() {
            return new GatedProduct();
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
            return vertexInputs[0];
        }
    }
}
