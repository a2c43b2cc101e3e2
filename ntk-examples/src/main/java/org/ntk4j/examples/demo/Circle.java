package org.ntk4j.examples.demo;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data of the circle experiment: points {@code x_γ = (cos γ, sin γ)} of the unit circle, the target
 * {@code f*(x) = x1·x2} on four training points, an evaluation grid {@code γ ∈ [−π, π]} and held-out points between
 * the grid's points.
 *
 * @param grid      γ of the evaluation grid, from −π to π inclusive
 * @param heldOut   γ halfway between neighbouring grid points (none of them a training point)
 * @param trainG    γ of the training points
 */
public record Circle(double[] grid, double[] heldOut, double[] trainG) {
    /**
     * γ of the four training points: the diagonals, where {@code |x1·x2|} is largest. */
    static final double[] TRAIN = {-3 * Math.PI / 4, -Math.PI / 4, Math.PI / 4, 3 * Math.PI / 4};

    /** Copies the arrays.
     *
     * @param grid      γ of the evaluation grid, from −π to π inclusive
     * @param heldOut   γ halfway between neighbouring grid points (none of them a training point)
     * @param trainG    γ of the training points
     */
    public Circle {
        grid = grid.clone();
        heldOut = heldOut.clone();
        trainG = trainG.clone();
    }

    /**
     * @param gridPoints points of the grid, ≥ 3
     * @return the grid, the held-out points and the four training points
     */
    public static Circle of(int gridPoints) {
        if (gridPoints < 3) {
            throw new IllegalArgumentException("gridPoints must be >= 3 (got: " + gridPoints + ")");
        }
        double[] g = new double[gridPoints];
        double[] h = new double[gridPoints - 1];
        for (int i = 0; i < gridPoints; i++) {
            g[i] = -Math.PI + 2 * Math.PI * i / (gridPoints - 1);
        }
        for (int i = 0; i < gridPoints - 1; i++) {
            h[i] = 0.5 * (g[i] + g[i + 1]);
        }
        return new Circle(g, h, TRAIN);
    }

    /**
     * @param gammas angles
     * @return {@code [n, 2]} DOUBLE points {@code (cos γ, sin γ)}
     */
    public static INDArray points(double... gammas) {
        INDArray x = Nd4j.create(DataType.DOUBLE, gammas.length, 2);
        for (int i = 0; i < gammas.length; i++) {
            x.putScalar(i, 0, Math.cos(gammas[i]));
            x.putScalar(i, 1, Math.sin(gammas[i]));
        }
        return x;
    }

    /**
     * @param x points {@code [n, 2]}
     * @return the target {@code x1·x2}, {@code [n, 1]}
     */
    public static INDArray target(INDArray x) {
        return x.getColumn(0).mul(x.getColumn(1)).reshape(x.size(0), 1);
    }

    /** @return the training set in the networks' input scale ({@link NtkMlp#scaleInputs}) */
    public DataSet trainingSet() {
        INDArray x = points(trainG);
        return new DataSet(NtkMlp.scaleInputs(x), target(x));
    }
}
