package org.ntk4j.dl4j.linearized;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.internal.LinearizedFiles;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Saving and loading a {@link LinearizedModel} in the versioned format of {@link LinearizedFiles}. */
final class LinearizedPersistence {
    private static final String[] REQUIRED = {"trainFeatures", "trainTargets", "trainInitial", "trainKernel"};

    private LinearizedPersistence() {
    }

    static void save(LinearizedModel m, File file) throws IOException {
        LinearizedNetwork c = m.configuration();
        Properties p = new Properties();
        p.setProperty("learningRate", Double.toString(c.learningRate()));
        p.setProperty("diagReg", Double.toString(c.diagReg()));
        p.setProperty("kernelMode", c.kernelMode().name());
        p.setProperty("solver", m.solver().name());
        p.setProperty("tolerance", Double.toString(c.settings().tolerance()));
        p.setProperty("preconditionerRank", Integer.toString(c.settings().preconditionerRank()));
        m.iterativeSolution().ifPresent(s -> {
            p.setProperty("iterations", Integer.toString(s.iterations()));
            p.setProperty("relativeResidual", Double.toString(s.relativeResidual()));
        });
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("trainFeatures", m.features());
        arrays.put("trainTargets", m.targets());
        arrays.put("trainInitial", m.initial());
        arrays.put("trainKernel", m.kernel());
        arrays.put("alpha", m.alpha());
        LinearizedFiles.write(file, p, c.settings().frozen(), arrays);
    }

    static LinearizedModel load(File file) throws IOException {
        LinearizedFiles.Contents f = LinearizedFiles.read(file, REQUIRED);
        Properties p = f.settings();
        LinearizedNetwork c;
        try {
            c = new LinearizedNetwork(LinearizedSettings.of(f.network(), number(p, "learningRate", file),
                    number(p, "diagReg", file), MemoryBudget.defaultBudget(),
                    OutputMode.valueOf(p.getProperty("kernelMode", "FULL")), null,
                    LinearizedSolver.valueOf(p.getProperty("solver", "DENSE")),
                    Double.parseDouble(p.getProperty("tolerance", "1e-6")),
                    Integer.parseInt(p.getProperty("preconditionerRank", "0"))), null);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": invalid settings: " + e.getMessage(), e);
        }
        Map<String, INDArray> a = f.arrays();
        INDArray alpha = a.get("alpha");
        if (c.solver() == LinearizedSolver.ITERATIVE) {
            if (alpha == null) {
                throw new IOException(file + " holds an iterative fit without its coefficients (alpha.npy)");
            }
            IterativeSolution s = new IterativeSolution(alpha, Integer.parseInt(p.getProperty("iterations", "0")),
                    Double.parseDouble(p.getProperty("relativeResidual", "NaN")), c.settings().tolerance(),
                    c.settings().preconditionerRank(), 0, 0);
            return new LinearizedModel(c, a.get("trainFeatures"), a.get("trainTargets"), a.get("trainInitial"),
                    a.get("trainKernel"), alpha, null, null, s);
        }
        GradientDescentMse gd = c.settings().predictor(a.get("trainKernel"), a.get("trainTargets"), a.get("trainInitial"));
        NotPositiveDefiniteException singular = null;
        if (alpha == null) {
            try {
                gd.cholesky();
            } catch (NotPositiveDefiniteException e) {
                singular = e;
            }
        }
        return new LinearizedModel(c, a.get("trainFeatures"), a.get("trainTargets"), a.get("trainInitial"),
                a.get("trainKernel"), alpha, singular, gd, null);
    }

    private static double number(Properties p, String key, File file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException(file + " lacks the setting " + key);
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": setting " + key + " is not a number (" + v + ")");
        }
    }
}
