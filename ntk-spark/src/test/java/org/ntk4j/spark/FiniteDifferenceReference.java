package org.ntk4j.spark;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Independent reference for a DOUBLE MultiLayerNetwork: the TRACE NTK from central finite differences of
 * {@code net.output(x)}, perturbing each parameter in place and restoring it.
 */
final class FiniteDifferenceReference {
    private FiniteDifferenceReference() {
    }

    /** @return {@code [n, o, P]} */
    static double[][][] jacobian(MultiLayerNetwork net, INDArray x, double h) {
        INDArray p = net.params();
        long n = x.size(0);
        int o = (int) net.output(x, false).size(1);
        double[][][] j = new double[(int) n][o][(int) p.length()];
        for (long k = 0; k < p.length(); k++) {
            double v = p.getDouble(k);
            p.putScalar(k, v + h);
            INDArray plus = net.output(x, false).dup();
            p.putScalar(k, v - h);
            INDArray minus = net.output(x, false).dup();
            p.putScalar(k, v);
            for (int a = 0; a < n; a++) {
                for (int q = 0; q < o; q++) {
                    j[a][q][(int) k] = (plus.getDouble(a, q) - minus.getDouble(a, q)) / (2 * h);
                }
            }
        }
        return j;
    }

    /** @return TRACE kernel {@code [n1, n2]}: the mean over outputs of J1 J2ᵀ */
    static INDArray trace(MultiLayerNetwork net, INDArray x1, INDArray x2, double h) {
        double[][][] j1 = jacobian(net, x1, h), j2 = jacobian(net, x2, h);
        int o = j1[0].length, pc = j1[0][0].length;
        INDArray k = Nd4j.create(DataType.DOUBLE, j1.length, j2.length);
        for (int a = 0; a < j1.length; a++) {
            for (int b = 0; b < j2.length; b++) {
                double s = 0;
                for (int q = 0; q < o; q++) {
                    for (int p = 0; p < pc; p++) {
                        s += j1[a][q][p] * j2[b][q][p];
                    }
                }
                k.putScalar(a, b, s / o);
            }
        }
        return k;
    }
}
