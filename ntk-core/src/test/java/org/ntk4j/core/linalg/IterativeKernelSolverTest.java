package org.ntk4j.core.linalg;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.linalg.internal.MappedKernelRows;
import org.ntk4j.core.testing.NtkTestBase;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;

/**
 * {@link IterativeKernelSolver} against a dense reference (Commons Math's Cholesky of the same kernel in double
 * precision): in-memory and memory-mapped kernels, FLOAT and DOUBLE storage, a preconditioner of low rank, a singular
 * kernel without regulariser.
 */
class IterativeKernelSolverTest extends NtkTestBase {

    /** A Gaussian (RBF, length scale 2) kernel of random points: fast-decaying spectrum, ill-conditioned without λ. */
    static INDArray rbf(int n, long seed) {
        INDArray x = randn(DataType.DOUBLE, seed, n, 3);
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d2 = 0;
                for (int c = 0; c < 3; c++) {
                    double d = x.getDouble(i, c) - x.getDouble(j, c);
                    d2 += d * d;
                }
                k[i][j] = Math.exp(-d2 / 8);
            }
        }
        return Nd4j.createFromArray(k);
    }

    /** Dense reference: Commons Math Cholesky of (K + λI) with K read in double. */
    static double[][] dense(INDArray k, double lambda, INDArray b) {
        RealMatrix a = new Array2DRowRealMatrix(k.castTo(DataType.DOUBLE).toDoubleMatrix());
        for (int i = 0; i < a.getRowDimension(); i++) {
            a.addToEntry(i, i, lambda);
        }
        return new CholeskyDecomposition(a, 1e-12, 1e-300).getSolver()
                .solve(new Array2DRowRealMatrix(b.castTo(DataType.DOUBLE).toDoubleMatrix())).getData();
    }

    static double relError(double[][] ref, INDArray got) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < ref[0].length; j++) {
                double d = ref[i][j] - got.getDouble(i, j);
                num += d * d;
                den += ref[i][j] * ref[i][j];
            }
        }
        return Math.sqrt(num / den);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void equalsTheDenseSolveToDoubleAccuracy(DataType storage) {
        int n = 150;
        INDArray k = rbf(n, 3).castTo(storage);
        INDArray b = randn(DataType.DOUBLE, 4, n, 2);
        double lambda = 1e-3;
        IterativeSolution s = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(lambda).tolerance(1e-10)
                .preconditionerRank(40).build().solve(b);
        assertEquals(DataType.DOUBLE, s.solution().dataType());
        assertTrue(s.relativeResidual() <= 1e-10, "residual " + s.relativeResidual());
        assertEquals(40, s.preconditionerRank());
        // the FLOAT kernel's entries, read exactly, solved in double: the error is the iteration's, not float32's
        double err = relError(dense(k, lambda, b), s.solution());
        assertTrue(err < 1e-6, storage + ": relative error " + err);
        // independent residual check with ND4J's product in double
        INDArray kd = k.castTo(DataType.DOUBLE);
        INDArray r = kd.mmul(s.solution()).addi(s.solution().mul(lambda)).subi(b);
        assertTrue(r.norm2Number().doubleValue() <= 2e-10 * b.norm2Number().doubleValue(), "residual by mmul");
        // κ(K + λI) ≈ 8.5e4 but κ(P⁻¹(K + λI)) ≈ 13 (numpy): tens of iterations per column, fewer than n = 150
        assertTrue(s.iterations() < 2 * 60, "iterations " + s.iterations());
    }

    /**
     * A kernel with a smooth low-rank part (rank 40, eigenvalues 50–500 times the diagonal floor) on top of a
     * diagonal-like part (0.5 I plus a small full-rank PSD term): the shape of the NTK spectrum at large N.
     */
    static INDArray lowRankPlusDiagonal(int n, long seed) {
        INDArray u = randn(DataType.DOUBLE, seed, n, 40);
        double[] sc = new double[40];
        for (int j = 0; j < 40; j++) {
            sc[j] = 1 + 9.0 * j / 39;
        }
        INDArray scale = Nd4j.createFromArray(sc).reshape(1, 40);
        INDArray us = u.mulRowVector(scale);
        INDArray w = randn(DataType.DOUBLE, seed + 1, n, n).muli(0.02 / Math.sqrt(n));
        INDArray k = us.mmul(us.transpose()).addi(w.mmul(w.transpose()));
        for (int i = 0; i < n; i++) {
            k.putScalar(i, i, k.getDouble(i, i) + 0.5);
        }
        return k.add(k.transpose()).muli(0.5);
    }

    @Test
    void adaptiveStopEndsTheGrowthOnceTheResidualIsDiagonalAndStillSolves() {
        int n = 300;
        INDArray k = lowRankPlusDiagonal(n, 21);
        INDArray b = randn(DataType.DOUBLE, 22, n, 1);
        double lambda = 1e-3;
        IterativeKernelSolver adaptive = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(lambda)
                .tolerance(1e-10).preconditionerRank(n).adaptiveStop(1.5).build();
        PreconditionerInfo info = adaptive.preconditionerInfo();
        // the first block (128 pivots) captures the rank-40 part; the second finds only the diagonal-like residual
        // (ν ≈ 1: its columns are nearly the residual diagonal's own) and is the last
        assertTrue(info.stopReason().startsWith("block nu"), info.toString());
        assertTrue(info.rank() > 40 && info.rank() < n, info.toString());
        assertTrue(info.lastBlockNu() <= 1.5 && info.lastBlockNu() > 0.5, info.toString());
        IterativeSolution s = adaptive.solve(b);
        double err = relError(dense(k, lambda, b), s.solution());
        assertTrue(err < 1e-8, "adaptive rank " + info.rank() + ": relative error against Cholesky " + err);
        // without the stop the factor grows to the cap (n: the whole kernel), and the answer is the same
        IterativeKernelSolver full = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(lambda)
                .tolerance(1e-10).preconditionerRank(n).adaptiveStop(0).build();
        PreconditionerInfo fullInfo = full.preconditionerInfo();
        assertTrue(fullInfo.rank() > info.rank(), fullInfo.toString());
        assertTrue(relError(dense(k, lambda, b), full.solve(b).solution()) < 1e-8);
        // a threshold below any block's ν never stops early
        assertEquals("rank cap", IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(lambda)
                .preconditionerRank(200).adaptiveStop(1e-3).build().preconditionerInfo().stopReason());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IterativeKernelSolver.builder(KernelRows.of(k)).adaptiveStop(-1));
        assertTrue(e.getMessage().contains("(got: -1.0)"), e.getMessage());
    }

    @Test
    void aRankBeyondOneSlabOfTheFactorPreconditionsExactly() {
        // rank n = 1100 > 1024: F spans two slabs; at full rank P = K + λI, so CG converges at once
        int n = 1100;
        INDArray k = lowRankPlusDiagonal(n, 31);
        INDArray b = randn(DataType.DOUBLE, 32, n, 1);
        IterativeKernelSolver s = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(1e-2).tolerance(1e-10)
                .preconditionerRank(n).adaptiveStop(0).build();
        PreconditionerInfo info = s.preconditionerInfo();
        assertEquals(n, info.rank(), info.toString());
        IterativeSolution sol = s.solve(b);
        assertTrue(sol.iterations() <= 3, "iterations " + sol.iterations());
        assertTrue(relError(dense(k, 1e-2, b), sol.solution()) < 1e-9);
    }

    @Test
    void aFactorThatStopsEarlyHoldsTheRankItReachedNotTheCap() {
        int n = 1100;
        INDArray k = lowRankPlusDiagonal(n, 41);
        PreconditionerInfo info = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(1e-3)
                .preconditionerRank(n).adaptiveStop(1.5).build().preconditionerInfo();
        assertTrue(info.stopReason().startsWith("block nu") && info.rank() <= 1024, info.toString());
        // one slab of 1024 columns (a buffer at the cap would be 8·n·1100), the Woodbury factor, the diagonal
        assertEquals(8L * n * 1024 + 8L * info.rank() * info.rank() + 8L * n, info.bytes());
        assertEquals(n, info.rankCap());
    }

    @Test
    void theDefaultRankIsTheLargestThatFitsTheBudgetAndAnExplicitOneBeyondItIsRefused() {
        int n = 300;
        INDArray k = lowRankPlusDiagonal(n, 51);
        long budget = 4L << 20;
        IterativeKernelSolver auto = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(1e-3)
                .memoryBudgetBytes(budget).adaptiveStop(0).build();
        // peak at rank k: 8·300·k (F) + 8·(k² + 3072 k) (S and its buffers) + 8·6·300; at k = 128 that is
        // 307,200 + 3,276,800 + 14,400 = 3,598,400 <= 4 MiB = 4,194,304; at 256: 614,400 + 6,815,744 + 14,400 > 4 MiB
        assertEquals(128, auto.rankCap());
        assertEquals(128, auto.preconditionerInfo().rank());
        assertEquals(n, IterativeKernelSolver.builder(KernelRows.of(k)).memoryBudgetBytes(1L << 30).build().rankCap());
        org.ntk4j.core.kernel.MemoryBudgetExceededException e = assertThrows(
                org.ntk4j.core.kernel.MemoryBudgetExceededException.class,
                () -> IterativeKernelSolver.builder(KernelRows.of(k)).memoryBudgetBytes(budget).preconditionerRank(300)
                        .build().preconditionerInfo());
        assertTrue(e.getMessage().contains("lower preconditionerRank to 128"), e.getMessage());
        // 50,000 rows and 6 GiB (./ntk's default budget): 12288, the rank docs/scale.md measured at that size
        // (8·50000·12288 + 8·(12288² + 3072·12288) + 8·6·50000 = 6.43e9 <= 6.44e9; 12416 gives 6.50e9)
        assertEquals(12288, org.ntk4j.core.linalg.internal.PivotedCholeskyPreconditioner.rankFor(50_000, 6L << 30));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> IterativeKernelSolver.builder(KernelRows.of(k)).memoryBudgetBytes(0));
        assertTrue(bad.getMessage().contains("(got: 0)"), bad.getMessage());
    }

    @Test
    void lowerTriangleProductEqualsTheDenseProduct() {
        // a slightly non-symmetric kernel (as float tiles of a file can be): the product is that of its lower triangle
        int n = 97;
        INDArray k = rbf(n, 23);
        INDArray noise = randn(DataType.DOUBLE, 24, n, n).muli(1e-3);
        INDArray a = k.add(noise);
        INDArray lowerSym = Nd4j.create(DataType.DOUBLE, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                lowerSym.putScalar(i, j, a.getDouble(i, j));
                lowerSym.putScalar(j, i, a.getDouble(i, j));
            }
        }
        INDArray v = randn(DataType.DOUBLE, 25, n, 3);
        INDArray got = IterativeKernelSolver.builder(KernelRows.of(a)).diagReg(0.25).build().multiply(v);
        INDArray want = lowerSym.mmul(v).addi(v.mul(0.25));
        org.ntk4j.core.testing.NtkAssertions.assertClose(want, got, 1e-12, "lower-triangle product");
    }

    @Test
    void defaultToleranceIsOneInAMillionAndReported() {
        int n = 80;
        INDArray k = rbf(n, 5);
        INDArray b = randn(DataType.DOUBLE, 6, n, 1);
        IterativeSolution s = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(0.1).build().solve(b);
        assertEquals(1e-6, s.tolerance());
        assertTrue(s.relativeResidual() <= 1e-6 && s.relativeResidual() > 0, "residual " + s.relativeResidual());
        assertTrue(relError(dense(k, 0.1, b), s.solution()) < 1e-4);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void mappedFileEqualsInMemory(DataType storage, @TempDir Path dir) {
        int n = 64;
        INDArray k = rbf(n, 7).castTo(storage);
        Path f = dir.resolve("k.npy");
        ArrayFiles.write(k, f);
        INDArray b = randn(DataType.DOUBLE, 8, n, 1);
        IterativeKernelSolver.Builder mem = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(0.01)
                .preconditionerRank(10).blockBytes(8L * n * 5);
        // chunks of 3 rows: every block of 5 rows crosses a chunk boundary
        IterativeKernelSolver.Builder map = IterativeKernelSolver.builder(new MappedKernelRows(f, 3L * n
                * storage.width())).diagReg(0.01).preconditionerRank(10).blockBytes(8L * n * 5);
        assertEquals(storage, KernelRows.mapped(f).storage());
        assertBitIdentical(mem.build().solve(b).solution(), map.build().solve(b).solution(), "mapped = in memory");
        double[] d = new double[n];
        new MappedKernelRows(f, 3L * n * storage.width()).diagonal(d);
        for (int i = 0; i < n; i++) {
            assertEquals(k.getDouble(i, i), d[i], 0.0);
        }
    }

    @Test
    void singularKernelWithoutDiagRegIsRefused() {
        int n = 20;
        INDArray a = randn(DataType.DOUBLE, 9, n, 3);
        INDArray k = a.mmul(a.transpose()); // rank 3
        INDArray b = randn(DataType.DOUBLE, 10, n, 1);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> IterativeKernelSolver.builder(KernelRows.of(k)).build().solve(b));
        assertTrue(e.getMessage().contains("rank 3 < n = 20") && e.getMessage().contains("set diagReg"),
                e.getMessage());
        assertTrue(e.suggestedDiagReg() > 0);
        // below the rank the preconditioner cannot see it: CG itself must refuse
        e = assertThrows(NotPositiveDefiniteException.class, () -> IterativeKernelSolver.builder(KernelRows.of(k))
                .preconditionerRank(2).maxIterations(200).tolerance(1e-10).build().solve(b));
        assertTrue(e.getMessage().contains("set diagReg"), e.getMessage());
        // with a regulariser it is an ordinary ridge system
        IterativeSolution s = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(0.5).tolerance(1e-10).build()
                .solve(b);
        assertTrue(relError(dense(k, 0.5, b), s.solution()) < 1e-8);
    }

    @Test
    void gradientDescentMseAtConvergenceIterativeEqualsItsCholeskyPath() {
        int n = 60;
        INDArray k = rbf(n, 11);
        INDArray y = randn(DataType.DOUBLE, 12, n, 1);
        INDArray f0 = randn(DataType.DOUBLE, 13, n, 1);
        INDArray kt = rbf(n + 5, 11).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, n + 5),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).dup();
        INDArray f0t = randn(DataType.DOUBLE, 14, 5, 1);
        org.ntk4j.core.predict.GradientDescentMse g = org.ntk4j.core.predict.GradientDescentMse.builder(k, y)
                .initialOutputs(f0).diagReg(0.01).build();
        org.ntk4j.core.predict.Prediction dense = g.atConvergence(kt, f0t);
        org.ntk4j.core.predict.Prediction it = g.atConvergenceIterative(kt, f0t, 1e-12);
        org.ntk4j.core.testing.NtkAssertions.assertClose(dense.test(), it.test(), 1e-8, "test at ∞");
        org.ntk4j.core.testing.NtkAssertions.assertClose(dense.train(), it.train(), 1e-8, "train at ∞");
    }

    @Test
    void badInputs(@TempDir Path dir) {
        INDArray k = rbf(10, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IterativeKernelSolver.builder(KernelRows.of(k)).build().solve(Nd4j.zeros(DataType.DOUBLE, 9, 1)));
        assertTrue(e.getMessage().contains("expected right-hand sides [10, c], got [9, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IterativeKernelSolver.builder(KernelRows.of(k))
                .tolerance(2));
        assertTrue(e.getMessage().contains("(got: 2.0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelRows.of(Nd4j.zeros(DataType.DOUBLE, 3, 4)));
        assertTrue(e.getMessage().contains("expected a square kernel [n, n], got [3, 4]"), e.getMessage());
        Path f = dir.resolve("rect.npy");
        ArrayFiles.write(Nd4j.zeros(DataType.FLOAT, 3, 4), f);
        ArrayFormatException ae = assertThrows(ArrayFormatException.class, () -> KernelRows.mapped(f));
        assertTrue(ae.getMessage().contains("expected a square kernel"), ae.getMessage());
        Path g = dir.resolve("int.npy");
        ArrayFiles.write(Nd4j.zeros(DataType.INT, 3, 3), g);
        ae = assertThrows(ArrayFormatException.class, () -> KernelRows.mapped(g));
        assertTrue(ae.getMessage().contains("float32 or float64"), ae.getMessage());
        // zero right-hand side: zero solution, zero residual
        IterativeSolution s = IterativeKernelSolver.builder(KernelRows.of(k)).diagReg(1).build()
                .solve(Nd4j.zeros(DataType.DOUBLE, 10, 1));
        assertEquals(0.0, s.solution().norm2Number().doubleValue());
    }
}
