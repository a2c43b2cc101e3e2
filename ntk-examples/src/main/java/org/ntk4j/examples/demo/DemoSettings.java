package org.ntk4j.examples.demo;

import java.util.Arrays;

/**
 * The sizes of one demo run.
 *
 * @param kernelWidths  the two widths of Fig. 1 (narrow, wide)
 * @param kernelSeeds   initialisations per width in Fig. 1
 * @param sweepWidths   widths trained for Fig. 2 and the linearization plot (increasing)
 * @param sweepSeeds    initialisations per width of the sweep
 * @param steps         full-batch SGD steps of every training run
 * @param learningRate  DL4J {@code Sgd} learning rate (NTK parameterization)
 * @param gridPoints    points of the γ grid in [−π, π]
 */
public record DemoSettings(int[] kernelWidths, int kernelSeeds, int[] sweepWidths, int sweepSeeds, int steps,
                           double learningRate, int gridPoints) {
    /**
     * Validates and copies.
     *
     * @param kernelWidths  the two widths of Fig. 1 (narrow, wide)
     * @param kernelSeeds   initialisations per width in Fig. 1
     * @param sweepWidths   widths trained for Fig. 2 and the linearization plot (increasing)
     * @param sweepSeeds    initialisations per width of the sweep
     * @param steps         full-batch SGD steps of every training run
     * @param learningRate  DL4J {@code Sgd} learning rate (NTK parameterization)
     * @param gridPoints    points of the γ grid in [−π, π]
     */
    public DemoSettings {
        if (kernelWidths == null || kernelWidths.length != 2) {
            throw new IllegalArgumentException("kernelWidths must hold two widths, narrow and wide (got: "
                    + Arrays.toString(kernelWidths) + ")");
        }
        if (sweepWidths == null || sweepWidths.length < 2) {
            throw new IllegalArgumentException("sweepWidths must hold at least two widths (got: "
                    + Arrays.toString(sweepWidths) + ")");
        }
        kernelWidths = kernelWidths.clone();
        sweepWidths = sweepWidths.clone();
        for (int w : kernelWidths) {
            positive(w, "kernel width");
        }
        for (int i = 0; i < sweepWidths.length; i++) {
            positive(sweepWidths[i], "sweep width");
            if (i > 0 && sweepWidths[i] <= sweepWidths[i - 1]) {
                throw new IllegalArgumentException("sweepWidths must increase (got: " + Arrays.toString(sweepWidths) + ")");
            }
        }
        positive(kernelSeeds, "kernelSeeds");
        positive(sweepSeeds, "sweepSeeds");
        positive(steps, "steps");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 (got: " + learningRate + ")");
        }
        if (gridPoints < 3) {
            throw new IllegalArgumentException("gridPoints must be >= 3 (got: " + gridPoints + ")");
        }
    }

    private static void positive(int v, String what) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1 (got: " + v + ")");
        }
    }

    /**
     * The default run of {@code ./ntk demo}: Fig. 1 at widths 512 (about the paper's narrow 500) and 2048, 3
     * initialisations each; the sweep at widths 64..2048, 3 initialisations (the Fig. 1 networks are among them);
     * 200 steps of learning rate 1.0 (the paper's).
     *
     * @return the default sizes
     */
    public static DemoSettings standard() {
        return new DemoSettings(new int[]{512, 2048}, 3, new int[]{64, 128, 256, 512, 1024, 2048}, 3, 200, 1.0, 121);
    }

    /** @return a tiny run for tests (seconds) */
    public static DemoSettings tiny() {
        return new DemoSettings(new int[]{16, 64}, 2, new int[]{16, 32, 64}, 2, 20, 1.0, 25);
    }

    /** @return the number of training steps as the continuous time {@code t = η·s} */
    public double time() {
        return learningRate * steps;
    }
}
