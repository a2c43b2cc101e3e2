package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * The exact rule for any DL4J layer: epsilons through the layer's own {@code backpropGradient} on the examples
 * repeated once per output, and per-example parameter gradients from one batch-of-one backward pass per example and
 * output. Used for layers without a structured rule, and by {@link ParamMode#JACOBIAN} for every layer.
 */
public class GenericLayerRule implements UnitRule {
    /** The layer (of the engine's private twin network). */
    protected final Layer layer;
    /** Trainable parameter names. */
    protected final List<String> trainable;
    private final long trainableCount;
    /** The feature mask of the current block {@code [n, T]}, or null. */
    private INDArray mask;

    /** @param layer a layer of the twin network, its gradient view initialised */
    public GenericLayerRule(Layer layer) {
        this.layer = layer;
        this.trainable = LayerParams.trainable(layer);
        this.trainableCount = LayerParams.trainableCount(layer);
        layer.allowInputModification(false);
    }

    static LayerWorkspaceMgr mgr() {
        return LayerWorkspaceMgr.noWorkspaces();
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        applyMask(mask, inputs[0].size(0));
        // some layers (ActivationLayer) transform their input in place in inference mode: give them a copy
        INDArray out = layer.activate(inputs[0].dup(), false, mgr());
        layer.clear();
        return new Forward(out, null);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray epsIn = null;
        if (needInputEps) {
            INDArray rep = outputs == 1 ? inputs[0].dup('c') : Stacking.repeatExamples(inputs[0].dup('c'), outputs);
            prepare(rep, mask == null ? null : Stacking.repeatExamples(mask, outputs));
            Pair<Gradient, INDArray> p = layer.backpropGradient(eps, mgr());
            epsIn = p.getSecond() == null ? null : p.getSecond().dup();
            double s = correction();
            if (epsIn != null && s != 1.0) {
                epsIn.muli(s);
            }
            layer.clear();
        }
        Factor f = hasParameters() ? new GradientFactor(perExampleGradients(inputs[0], eps, outputs), outputs) : null;
        return new Backward(new INDArray[]{epsIn}, f);
    }

    /**
     * Layers recompute what they need from their input in {@code backpropGradient}; no forward call is made first.
     *
     * @return {@code [n·o, p]}: row {@code i·o + k} is the gradient of output k at example i w.r.t. this layer's
     * trainable parameters, from DL4J's own backward pass with a batch of one
     */
    protected INDArray perExampleGradients(INDArray input, INDArray eps, int outputs) {
        long n = input.size(0);
        if (input.isView()) { // rows of a view of a view (Cropping's output) are not always valid batch-of-one inputs
            input = input.dup('c');
        }
        INDArray g = Nd4j.create(eps.dataType(), n * outputs, trainableCount);
        // when every parameter is trainable the layer's gradient view already holds the row, in parameter order
        INDArray view = trainableCount == layer.numParams() ? layer.getGradientsViewArray() : null;
        INDArray flatView = view == null ? null : view.reshape(view.ordering(), new long[]{view.length()});
        for (long i = 0; i < n; i++) {
            INDArray xi = Stacking.rows(input, i, i + 1).dup();
            INDArray mi = mask == null ? null : Stacking.rows(mask, i, i + 1).dup();
            for (int k = 0; k < outputs; k++) {
                long r = i * outputs + k;
                prepare(xi.dup(), mi);
                Pair<Gradient, INDArray> p = layer.backpropGradient(Stacking.rows(eps, r, r + 1).dup(), mgr());
                INDArray row = g.getRow(r);
                if (flatView != null) {
                    row.assign(flatView);
                    continue;
                }
                long col = 0;
                for (String name : trainable) {
                    INDArray gv = p.getFirst().getGradientFor(name);
                    long len = gv.length();
                    row.get(NDArrayIndex.interval(col, col + len)).assign(gv.dup('c').reshape(len));
                    col += len;
                }
            }
        }
        layer.clear();
        double s = correction();
        return s == 1.0 ? g : g.muli(s);
    }

    /**
     * Sets the layer's input for a backward pass; layers that keep state from their forward pass (LastTimeStep's
     * time indices, Bidirectional's reversed input, shapes remembered by wrappers) get an inference forward pass
     * on exactly that input first, so the backward pass never sees the state of another batch.
     */
    private void prepare(INDArray input, INDArray rowsMask) {
        applyMask(rowsMask, input.size(0));
        if (forwardBeforeBackward()) {
            // training mode, as DL4J's own backward passes run (the twin has no dropout or weight noise, so the
            // output is the inference one); in inference mode ActivationLayer would overwrite its input in place
            layer.activate(input, true, mgr());
        } else {
            layer.setInput(input, mgr());
        }
    }

    /**
     * Keeps the feature mask reaching this layer on the current block and propagates it as DL4J does
     * ({@code feedForwardMaskArray}: recurrent layers pass it on, pooling and LastTimeStep consume it).
     */
    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        this.mask = inputMasks[0];
        if (mask == null) {
            return null;
        }
        Pair<INDArray, MaskState> p = layer.feedForwardMaskArray(mask, MaskState.Active, (int) n);
        layer.clear();
        return p == null ? null : p.getFirst();
    }

    /** For subclasses whose layer ignores masks: the default refusal of {@link UnitRule#mask}. */
    protected final INDArray refuseMask(INDArray[] inputMasks) {
        return UnitRule.super.mask(inputMasks, 0);
    }

    /** Sets the layer's mask state for {@code rows} rows (a no-op without a mask). */
    private void applyMask(INDArray rowsMask, long rows) {
        if (rowsMask != null) {
            layer.feedForwardMaskArray(rowsMask, MaskState.Active, (int) rows);
        }
    }

    /**
     * @return whether DL4J's backward pass of this layer depends on state of the previous forward pass: true for
     * wrappers (LastTimeStep's time indices, MaskZeroLayer's mask) and Bidirectional; other layers recompute what
     * they need from their input
     */
    protected boolean forwardBeforeBackward() {
        return layer instanceof org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer
                || layer instanceof org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
    }

    /**
     * @return the factor that makes DL4J's gradients of this layer the true ones, checked after a backward pass
     * (1 except for SameDiff-backed layers, see {@link SameDiffSeed})
     */
    protected double correction() {
        return 1.0;
    }

    @Override
    public boolean hasParameters() {
        return trainableCount > 0;
    }
}
