package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.internal.Checks;

import java.util.Arrays;

/** The probe features both listener builders take: validated, one clear line per problem, and copied. Not API. */
public final class ProbeFeatures {
    private ProbeFeatures() {
    }

    /**
     * @param features one array per model input, each {@code [n, ...]} with the same n ≥ 1, numeric, finite
     * @return copies made outside any workspace (the caller may change its arrays afterwards)
     * @throws IllegalArgumentException naming the array and what is wrong with it
     */
    @SuppressWarnings("try") // the workspace scope is used for its side effect
    public static INDArray[] copy(INDArray[] features) {
        if (features == null || features.length == 0) {
            throw new IllegalArgumentException("probeFeatures must not be null or empty (got: "
                    + (features == null ? "null" : "no arrays") + ")");
        }
        INDArray[] copy = new INDArray[features.length];
        long n = -1;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < features.length; i++) {
                INDArray f = features[i];
                String name = features.length == 1 ? "probeFeatures" : "probeFeatures[" + i + "]";
                if (f == null) {
                    throw new IllegalArgumentException(name + " must not be null (got: null)");
                }
                if (f.rank() < 2 || f.size(0) < 1) {
                    throw new IllegalArgumentException(name + ": expected [n, ...] with n >= 1 examples along"
                            + " dimension 0 (got: shape " + Arrays.toString(f.shape()) + ")");
                }
                if (!f.dataType().isFPType() && !f.dataType().isIntType()) {
                    throw new IllegalArgumentException(name + ": expected numeric features (got: " + f.dataType() + ")");
                }
                if (n >= 0 && f.size(0) != n) {
                    throw new IllegalArgumentException("probeFeatures: every input needs the same number of examples,"
                            + " got " + n + " and " + f.size(0) + " (input " + i + ")");
                }
                n = f.size(0);
                if (f.dataType().isFPType() && !Checks.finite(f)) {
                    throw new IllegalArgumentException(name + " contains NaN or infinite values (got: shape "
                            + Arrays.toString(f.shape()) + ")");
                }
                copy[i] = f.dup();
            }
        }
        return copy;
    }
}
