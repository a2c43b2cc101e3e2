package org.ntk4j.dl4j.linearized;

import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GradientDescentMse;

import java.io.File;
import java.io.IOException;

/**
 * What a linearized network fitted on a training set {@code (X [n, ...], y [n, o])} predicts: outputs at convergence,
 * after a number of full-batch {@code Sgd} steps or at a flow time, the predictive covariance over initialisations,
 * DL4J evaluations, and the training kernel {@code Θ [n·o, n·o]}. Implemented by the fitted {@link LinearizedModel}
 * and by {@link LinearizedNetwork}, whose fitted instances delegate to their model; on an unfitted
 * {@code LinearizedNetwork} configuration every method throws {@link IllegalStateException} asking for
 * {@code fit(trainSet)}.
 *
 * <p>After an iterative fit ({@link LinearizedSolver#ITERATIVE}) only the outputs at convergence are available: the
 * methods that need the eigendecomposition of Θ throw {@link IllegalStateException} with what to change.
 */
public interface FittedLinearization {

    /**
     * Outputs at convergence ({@code t = ∞}): {@code f0(x) − Θ(x, X) α}, {@code α = (Θ + diagReg·I)⁻¹ (f0(X) − y)}.
     *
     * @param x features {@code [nt, ...]}
     * @return {@code [nt, o]}, the network's data type
     * @throws NotPositiveDefiniteException when the training kernel is singular and no {@code diagReg} was set; the
     *                                      message names the value to use
     */
    INDArray output(INDArray x);

    /**
     * Outputs after {@code steps} full-batch {@code Sgd(learningRate)} steps on the training set (exact discrete
     * recursion of the linearized network).
     *
     * @param x     features {@code [nt, ...]}
     * @param steps ≥ 0
     * @return {@code [nt, o]}
     * @throws IllegalStateException after an iterative fit (finite steps need the eigendecomposition of Θ)
     */
    INDArray output(INDArray x, long steps);

    /**
     * Outputs after gradient flow for time {@code t = learningRate · steps}.
     *
     * @param x features {@code [nt, ...]}
     * @param t ≥ 0; {@code +∞} gives {@link #output(INDArray)}
     * @return {@code [nt, o]}
     * @throws IllegalStateException for a finite t after an iterative fit
     */
    INDArray outputAtTime(INDArray x, double t);

    /**
     * @param steps ≥ 0
     * @return outputs on the training inputs after {@code steps} steps {@code [n, o]}
     * @throws IllegalStateException after an iterative fit
     */
    INDArray trainOutput(long steps);

    /**
     * @return {@code 2 / (c λmax(Θ))} with {@code c = 2/(n·o)}: the largest stable full-batch learning rate
     * @throws IllegalStateException after an iterative fit
     */
    double maxStableLearningRate();

    /**
     * Covariance over random initialisations of the test outputs of networks trained like this one for time
     * {@code t}, from the ensemble formulas of Lee et al. (2019) with this network's empirical NTK Θ for the dynamics
     * and {@code prior} for the covariance of the initial outputs:
     * {@code K** − A K_X* − K*X Aᵀ + A K_XX Aᵀ}, {@code A = Θ*X Θ⁻¹ (I − e^{−cΘt})}
     * (see {@link org.ntk4j.core.predict.GaussianProcessEnsemble}). Its diagonal is the predictive variance.
     *
     * @param x     test features {@code [nt, ...]}
     * @param t     time ≥ 0, or {@code +∞}
     * @param prior the covariance kernel of the initial outputs, e.g. {@link PriorKernel#monteCarlo}
     * @return {@code [nt·o, nt·o]}, symmetric PSD, DOUBLE
     * @throws IllegalStateException after an iterative fit
     */
    INDArray predictiveCovariance(INDArray x, double t, PriorKernel prior);

    /**
     * @param data  labelled data
     * @param steps steps, or a negative value for convergence
     * @return DL4J's classification {@link Evaluation} of the outputs
     */
    Evaluation evaluate(DataSetIterator data, long steps);

    /**
     * @param data labelled data
     * @return DL4J's classification {@link Evaluation} of the outputs at convergence
     */
    default Evaluation evaluate(DataSetIterator data) {
        return evaluate(data, -1);
    }

    /**
     * @param data  labelled data
     * @param steps steps, or a negative value for convergence
     * @return DL4J's {@link RegressionEvaluation} of the outputs
     */
    RegressionEvaluation evaluateRegression(DataSetIterator data, long steps);

    /**
     * @param data labelled data
     * @return DL4J's {@link RegressionEvaluation} of the outputs at convergence
     */
    default RegressionEvaluation evaluateRegression(DataSetIterator data) {
        return evaluateRegression(data, -1);
    }

    /** @return a copy of the training kernel {@code [n·o, n·o]} */
    INDArray trainKernel();

    /**
     * @return the closed-form predictor on the training set
     * @throws IllegalStateException after an iterative fit
     */
    GradientDescentMse predictor();

    /**
     * Writes θ0 (the network), the training data, f0, the training kernel and the converged coefficients to a zip in
     * the versioned format of {@code linearized.internal.LinearizedFiles}; written to a temporary file first and moved
     * into place, so a failure leaves no partial file. {@link LinearizedNetwork#load(File)} and
     * {@link LinearizedModel#load(File)} read it back.
     *
     * @param file destination, e.g. {@code lin.zip}
     * @throws IOException when writing fails
     */
    void save(File file) throws IOException;
}
