package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ntk kernel}: the empirical NTK of a saved DL4J network ({@code --model}), or the infinite-width NTK/NNGP of a
 * DL4J configuration ({@code --config}), on given inputs.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Empirical NTK of a saved DL4J network (--model, ModelSerializer zip), or infinite-width NTK/NNGP of a "
                + "DL4J configuration (--config, MultiLayerConfiguration.toJson()), on features from .npy/.csv files.")
public final class KernelCommand implements Callable<Integer>, MemoryAdvice {
    @Option(names = "--model", description = "DL4J model zip (MultiLayerNetwork or ComputationGraph): empirical NTK")
    Path model;
    @Option(names = "--config", description = "DL4J MultiLayerConfiguration JSON: infinite-width kernel of the output "
            + "pre-activation")
    Path config;
    @Option(names = "--kernel", defaultValue = "ntk", description = "with --config: ntk or nngp")
    String kernel;
    @Option(names = "--quadrature-degree",
            description = "with --config, for experts: fixed Gauss-Hermite nodes per dimension instead of the "
                    + "error-controlled rule (no error estimate)")
    Integer quadratureDegree;
    @Option(names = "--tolerance", defaultValue = "1e-6",
            description = "with --config: largest acceptable estimated relative error of the kernel (default 1e-6)")
    double tolerance;
    @Option(names = "--x1", required = true, description = "features [n1, ...]: .npy, .npz (FILE.npz:NAME picks one "
            + "array), .csv, or a pipe such as <(...)")
    Path x1;
    @Option(names = "--x2", description = "features [n2, ...], same formats; default: x1")
    Path x2;
    @Mixin
    InputOptions input;
    @Option(names = "--mode", defaultValue = "trace", description = "trace ([n1, n2], mean over outputs) or full ([n1, n2, o, o])")
    String mode;
    @Option(names = "--implementation", defaultValue = "auto", description = "auto, structured or jacobian")
    String implementation;
    @Option(names = "--block-size", defaultValue = "512", description = "examples per tile (bounds memory)")
    int blockSize;
    @Option(names = "--repeat", defaultValue = "1", description = "time K runs after one warm-up; prints min and median")
    int repeat;
    @Option(names = "--out", required = true, description = "output kernel (.npy, .npz or .csv), written atomically")
    Path out;
    @Option(names = "--out-type", description = "element type of --out: float or double (default: the network's type; "
            + "float for a kernel written tile by tile)")
    String outType;
    @Option(names = "--json", description = "print the summary as one JSON line")
    boolean json;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;
    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() {
        if ((model == null) == (config == null)) {
            throw new IllegalArgumentException("give either --model m.zip (empirical NTK) or --config conf.json "
                    + "(infinite-width kernel)" + (model != null ? ", not both" : ""));
        }
        if (spark.enabled()) {
            return spark.run(this);
        }
        if (config != null) {
            return analytic();
        }
        if (!kernel.trim().equalsIgnoreCase("ntk")) {
            throw new IllegalArgumentException("--kernel " + kernel + " needs --config: the empirical kernel of --model is "
                    + "the NTK");
        }
        OutputMode om = parse(OutputMode.class, mode, "--mode", "trace, full");
        NtkImplementation impl = parse(NtkImplementation.class, implementation, "--implementation", "auto, structured, jacobian");
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1 (got: " + repeat + ")");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("--block-size must be >= 1 (got: " + blockSize + ")");
        }
        ArrayIO.checkWritable(out, "--out");
        long budget = input.budget().bytes();
        INDArray a = input.read(x1, "--x1");
        INDArray b = x2 == null ? null : input.read(x2, "--x2");
        Model net = ModelIO.load(model);
        ProgressBar bar = new ProgressBar(!json);
        EmpiricalNtk ntk = EmpiricalNtk.builder().implementation(impl).outputMode(om).blockSize(blockSize)
                .memoryBudgetBytes(budget).progress(bar).build();
        DataType fileType = outType == null ? null
                : parse(OutType.class, outType, "--out-type", "float, double") == OutType.FLOAT ? DataType.FLOAT
                : DataType.DOUBLE;
        List<Double> times = new ArrayList<>();
        INDArray k = null;
        for (int r = 0; r < (repeat > 1 ? repeat + 1 : 1); r++) {
            long t0 = System.nanoTime();
            try {
                k = ntk.compute(net, a, b);
            } catch (org.ntk4j.core.kernel.MemoryBudgetExceededException e) {
                if (!e.what().startsWith("the empirical NTK") || org.ntk4j.core.io.ArrayFormat.ofFileName(
                        out.getFileName().toString()) != org.ntk4j.core.io.ArrayFormat.NPY) {
                    throw e;
                }
                bar.done();
                return OutOfCore.write(ntk, net, a, b, out, fileType == null ? DataType.FLOAT : fileType, om, impl, e,
                        json, bar);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (repeat == 1 || r > 0) {
                times.add(s);
            }
            bar.done();
        }
        ArrayIO.write(fileType == null || fileType == k.dataType() ? k : k.castTo(fileType), out, "--out");
        double[] top = topEigenvalues(k, om, b == null, 5);
        times.sort(null);
        double min = times.get(0), median = times.get(times.size() / 2);
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"command\":\"kernel\",\"shape\":%s,\"data_type\":\"%s\",\"implementation\":\"%s\",\"mode\":\"%s\","
                            + "\"seconds_min\":%.6f,\"seconds_median\":%.6f,\"runs\":%d,\"top_eigenvalues\":%s,\"out\":\"%s\"}",
                    Arrays.toString(k.shape()).replace(" ", ""), k.dataType(), impl, om, min, median, times.size(),
                    top == null ? "null" : Arrays.toString(top).replace(" ", ""), out.toString().replace("\\", "\\\\")));
        } else {
            System.out.println("kernel " + Arrays.toString(k.shape()) + " " + k.dataType() + " (" + om + ", " + impl + ") -> " + out);
            System.out.println(String.format(Locale.ROOT, "compute seconds: %s",
                    times.size() == 1 ? String.format(Locale.ROOT, "%.4f", min)
                            : String.format(Locale.ROOT, "min %.4f, median %.4f over %d runs", min, median, times.size())));
            System.out.println(top == null ? "top eigenvalues: (not symmetric: x2 given)"
                    : "top eigenvalues: " + Arrays.toString(top));
            System.out.print("rules:\n  " + ntk.describe(net).replace("\n", "\n  ") + "\n");
        }
        return 0;
    }

    private Integer analytic() {
        if (!mode.trim().equalsIgnoreCase("trace")) {
            throw new IllegalArgumentException("--mode " + mode + " is for --model: the infinite-width kernel is "
                    + "[n1, n2] (all outputs share it)");
        }
        if (!implementation.trim().equalsIgnoreCase("auto")) {
            throw new IllegalArgumentException("--implementation is for --model (got: " + implementation + ")");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1 (got: " + repeat + ")");
        }
        ArrayIO.checkWritable(out, "--out");
        INDArray a = input.read(x1, "--x1");
        INDArray b = x2 == null ? null : input.read(x2, "--x2");
        org.ntk4j.dl4j.analytic.AnalyticKernel ak = AnalyticKernelRunner.load(config, quadratureDegree, tolerance);
        AnalyticKernelRunner.Limited limited = AnalyticKernelRunner.limitedAny(ak, blockSize, input.budget());
        List<Double> times = new ArrayList<>();
        INDArray k = null;
        for (int r = 0; r < (repeat > 1 ? repeat + 1 : 1); r++) {
            long t0 = System.nanoTime();
            try {
                k = AnalyticKernelRunner.compute(limited, a, b, kernel);
            } catch (org.ntk4j.core.kernel.MemoryBudgetExceededException e) {
                if (!AnalyticOutOfCore.isKernelOverBudget(e, out)) {
                    throw e;
                }
                return AnalyticOutOfCore.write(ak, kernel, a, b, out, outType == null ? DataType.FLOAT
                        : parse(OutType.class, outType, "--out-type", "float, double") == OutType.FLOAT
                        ? DataType.FLOAT : DataType.DOUBLE, blockSize, input.budget(), e, json, new ProgressBar(!json));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (repeat == 1 || r > 0) {
                times.add(s);
            }
        }
        ArrayIO.write(k, out, "--out");
        double[] top = topEigenvalues(k, OutputMode.TRACE, b == null, 5);
        times.sort(null);
        double min = times.get(0), median = times.get(times.size() / 2);
        String which = kernel.trim().toLowerCase(Locale.ROOT);
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"command\":\"kernel\",\"source\":\"analytic\",\"kernel\":\"%s\",\"shape\":%s,\"data_type\":\"%s\","
                            + "\"pre_activation\":%s,\"output_activation\":\"%s\",\"seconds_min\":%.6f,"
                            + "\"seconds_median\":%.6f,\"runs\":%d,\"top_eigenvalues\":%s,\"out\":\"%s\"}",
                    which, Arrays.toString(k.shape()).replace(" ", ""), k.dataType(), ak.isPreActivation(),
                    ak.outputActivation(), min, median, times.size(),
                    top == null ? "null" : Arrays.toString(top).replace(" ", ""), out.toString().replace("\\", "\\\\")));
        } else {
            System.out.println("infinite-width " + which.toUpperCase(Locale.ROOT) + " " + Arrays.toString(k.shape()) + " "
                    + k.dataType() + " -> " + out);
            if (ak.isPreActivation()) {
                System.out.println("note: kernel of the output pre-activation; the output activation "
                        + ak.outputActivation() + " is not included");
            }
            System.out.println(String.format(Locale.ROOT, "compute seconds: %s",
                    times.size() == 1 ? String.format(Locale.ROOT, "%.4f", min)
                            : String.format(Locale.ROOT, "min %.4f, median %.4f over %d runs", min, median, times.size())));
            System.out.println(top == null ? "top eigenvalues: (not symmetric: x2 given)"
                    : "top eigenvalues: " + Arrays.toString(top));
            System.out.println("architecture: " + ak);
        }
        return 0;
    }

    @Override
    public String memoryAdvice(org.ntk4j.core.kernel.MemoryBudgetExceededException e) {
        if (e.what().startsWith("reading ")) {
            return "";
        }
        boolean full = config == null && mode.trim().equalsIgnoreCase("full");
        boolean npy = org.ntk4j.core.io.ArrayFormat.ofFileName(out.getFileName().toString())
                == org.ntk4j.core.io.ArrayFormat.NPY;
        return (full ? "use --mode trace (a [n1, n2] kernel), " : "") + "use a smaller --block-size (now " + blockSize
                + "), or fewer rows in --x1" + (x2 != null ? "/--x2" : "")
                + (!npy ? ", or give --out a .npy file (a kernel over the budget is then written to "
                + "it tile by tile)" : "");
    }

    /** Values of {@code --out-type}. */
    enum OutType { FLOAT, DOUBLE }

    static double[] topEigenvalues(INDArray k, OutputMode mode, boolean symmetric, int count) {
        if (!symmetric) {
            return null;
        }
        INDArray m = (mode == OutputMode.FULL ? KernelLayout.flatten(k) : k).castTo(DataType.DOUBLE);
        if (m.size(0) == 0 || m.size(0) > 4000) {
            return null;
        }
        INDArray sym = m.add(m.transpose().dup()).divi(2);
        double[] ev = Eigen.symmetricGeneralizedEigenvalues(sym, false).toDoubleVector();
        Arrays.sort(ev);
        double[] top = new double[Math.min(count, ev.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6g", ev[ev.length - 1 - i]));
        }
        return top;
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String option, String allowed) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be one of " + allowed + " (got: " + value + ")");
        }
    }
}
