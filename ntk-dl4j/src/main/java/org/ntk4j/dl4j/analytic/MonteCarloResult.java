package org.ntk4j.dl4j.analytic;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean and spread of finite-network kernels over independent initialisations.
 *
 * @param ntkMean  {@code [n1, n2]}: mean over the samples of the per-network NTK
 * @param ntkStd   {@code [n1, n2]}: sample standard deviation (divisor k − 1) of the per-network NTK, entrywise; the
 *                 standard error of {@code ntkMean} is {@code ntkStd / √k}
 * @param nngpMean {@code [n1, n2]}: mean of the per-network NNGP sample (an estimate of the output covariance)
 * @param nngpStd  {@code [n1, n2]}: its sample standard deviation
 * @param samples  k, the number of networks
 */
public record MonteCarloResult(INDArray ntkMean, INDArray ntkStd, INDArray nngpMean, INDArray nngpStd, int samples) {
}
