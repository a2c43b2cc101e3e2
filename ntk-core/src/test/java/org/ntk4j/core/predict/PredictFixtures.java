package org.ntk4j.core.predict;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.testing.NtkAssertions;

/**
 * A small random kernel-regression problem: Jacobian-like features J [(n+nt)·o, p], Θ = J Jᵀ / p (PSD, full rank for
 * p ≥ n·o), targets and initial outputs; plus Commons Math helpers for independent references.
 */
final class PredictFixtures {
    final int n;
    final int nt;
    final int o;
    final INDArray thetaTrain;
    final INDArray thetaTestTrain;
    final INDArray thetaTestTest;
    final INDArray y;
    final INDArray f0;
    final INDArray f0Test;

    PredictFixtures(long seed, int n, int nt, int o, int p) {
        this.n = n;
        this.nt = nt;
        this.o = o;
        INDArray j = NtkAssertions.gaussian(DataType.DOUBLE, seed, (long) (n + nt) * o, p);
        INDArray all = j.mmul(j.transpose()).divi(p);
        int m = n * o;
        int mt = nt * o;
        thetaTrain = all.get(NDArrayIndex.interval(0, m), NDArrayIndex.interval(0, m)).dup();
        thetaTestTrain = all.get(NDArrayIndex.interval(m, m + mt), NDArrayIndex.interval(0, m)).dup();
        thetaTestTest = all.get(NDArrayIndex.interval(m, m + mt), NDArrayIndex.interval(m, m + mt)).dup();
        y = NtkAssertions.gaussian(DataType.DOUBLE, seed + 1, n, o);
        f0 = NtkAssertions.gaussian(DataType.DOUBLE, seed + 2, n, o).muli(0.3);
        f0Test = NtkAssertions.gaussian(DataType.DOUBLE, seed + 3, nt, o).muli(0.3);
    }

    static RealMatrix commons(INDArray a) {
        return new Array2DRowRealMatrix(a.castTo(DataType.DOUBLE).toDoubleMatrix());
    }

    static INDArray nd(RealMatrix m) {
        return Nd4j.createFromArray(m.getData());
    }

    static INDArray inverse(INDArray a) {
        return nd(new LUDecomposition(commons(a)).getSolver().getInverse());
    }

    static INDArray col(INDArray a) {
        return a.dup('c').reshape('c', a.length(), 1);
    }
}
