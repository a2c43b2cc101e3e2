package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.ArrayList;
import java.util.List;

/** Which of a layer's parameters are parameters of the NTK. */
public final class LayerParams {
    private LayerParams() {
    }

    /**
     * A parameter counts when gradient descent updates it: its updater is not {@link NoOp}. That excludes frozen layers
     * and BatchNormalization's running mean and variance, which DL4J stores among the parameters but never trains.
     *
     * @param layer a DL4J layer
     * @return the trainable parameter names, in the layer's parameter order
     */
    public static List<String> trainable(Layer layer) {
        List<String> names = new ArrayList<>();
        if (isFrozen(layer)) {
            return names;
        }
        for (String name : layer.paramTable().keySet()) {
            IUpdater u = layer.conf().getLayer().getUpdaterByParam(name);
            if (!(u instanceof NoOp)) {
                names.add(name);
            }
        }
        return names;
    }

    /** @return whether the layer is wrapped as frozen (its parameters are not trained) */
    public static boolean isFrozen(Layer layer) {
        return layer instanceof org.deeplearning4j.nn.layers.FrozenLayer
                || layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
    }

    /** @return the number of trainable parameter entries of the layer */
    public static long trainableCount(Layer layer) {
        long n = 0;
        for (String name : trainable(layer)) {
            n += layer.paramTable().get(name).length();
        }
        return n;
    }
}
