package org.ntk4j.examples.cli;

import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.dl4j.arbiter.SweepResult;
import org.ntk4j.dl4j.arbiter.WidthSweep;
import org.ntk4j.examples.sweep.BuiltInSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ntk sweep}: an Arbiter width sweep on the built-in circle task. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Arbiter width sweep on the built-in circle task: NTK drift, linearization gap and test loss vs"
                + " width, with fitted log-log slopes. Writes DIR/results.csv, drift-vs-width.png, gap-vs-width.png.")
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512,1024", description = "hidden widths (default: ${DEFAULT-VALUE})")
    int[] widths;
    @Option(names = "--depth", defaultValue = "2", description = "hidden layers (default: ${DEFAULT-VALUE})")
    int depth;
    @Option(names = "--steps", defaultValue = "100", description = "full-batch SGD steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--lr", defaultValue = "0.05", description = "SGD learning rate at the narrowest width (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--lr-scaling", defaultValue = "inverse-width",
            description = "inverse-width (lr x narrowest/width, default) or constant")
    String lrScaling;
    @Option(names = "--seeds", defaultValue = "2", description = "seeds per width (default: ${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--activation", defaultValue = "relu", description = "hidden activation: relu, tanh, sigmoid, … (default: ${DEFAULT-VALUE})")
    String activation;
    @Option(names = "--train", defaultValue = "8", description = "training points on the circle (default: ${DEFAULT-VALUE})")
    int train;
    @Option(names = "--test", defaultValue = "64", description = "held-out points (default: ${DEFAULT-VALUE})")
    int test;
    @Option(names = "--dtype", defaultValue = "float", description = "float or double (default: ${DEFAULT-VALUE})")
    String dtype;
    @Option(names = "--out", required = true, description = "output folder")
    Path out;
    @Option(names = "--json", description = "print one JSON line with the slopes and their intervals instead of the table")
    boolean json;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() {
        if (widths == null || widths.length == 0) {
            throw new IllegalArgumentException("--widths: the width list is empty");
        }
        if (Arrays.stream(widths).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("--widths must all be >= 1 (got: " + Arrays.toString(widths) + ")");
        }
        if (Arrays.stream(widths).distinct().count() < 2) {
            throw new IllegalArgumentException("--widths needs at least 2 distinct widths (got: " + Arrays.toString(widths) + ")");
        }
        positive("--depth", depth);
        positive("--steps", steps);
        positive("--seeds", seeds);
        if (train < 2 || test < 1) {
            throw new IllegalArgumentException("--train must be >= 2 and --test >= 1 (got: " + train + ", " + test + ")");
        }
        Activation act = activation(activation);
        DataType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float" -> DataType.FLOAT;
            case "double" -> DataType.DOUBLE;
            default -> throw new IllegalArgumentException("--dtype must be float or double (got: " + dtype + ")");
        };
        int narrowest = Arrays.stream(widths).min().getAsInt();
        Integer[] boxed = Arrays.stream(widths).distinct().boxed().toArray(Integer[]::new);
        DiscreteParameterSpace<Integer> width = new DiscreteParameterSpace<>(boxed);
        WidthSweep.Builder b = WidthSweep.builder().space(BuiltInSweep.space(width, depth, act), width)
                .data(BuiltInSweep.circle(train, 0.25, type), BuiltInSweep.circle(test, 0.5, type))
                .steps(steps).seeds(seeds).dataType(type)
                .onCandidate(r -> System.err.printf(Locale.ROOT, "width %d seed %d: drift %.4g, gap %.4g, test loss %.4g (%.1f s)%n",
                        r.width(), r.seed(), r.drift(), r.gap(), r.testLoss(), r.seconds()));
        switch (lrScaling.toLowerCase(Locale.ROOT)) {
            case "inverse-width" -> b.learningRateScaledByWidth(lr, narrowest);
            case "constant" -> b.learningRate(lr);
            default -> throw new IllegalArgumentException("--lr-scaling must be inverse-width or constant (got: " + lrScaling + ")");
        }
        WidthSweep sweep = b.build();
        System.err.println("ntk sweep: " + sweep.widths().size() * seeds + " candidates on Arbiter's LocalOptimizationRunner");
        SweepResult result = sweep.run();
        result.write(out);
        if (json) {
            System.out.println(result.toJson());
        } else {
            System.out.print(result.table());
            System.out.println("wrote " + out.resolve("results.csv") + ", " + out.resolve("drift-vs-width.png") + ", "
                    + out.resolve("gap-vs-width.png"));
        }
        return 0;
    }

    private static void positive(String flag, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1 (got: " + v + ")");
        }
    }

    private static Activation activation(String name) {
        try {
            return Activation.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--activation: unknown activation '" + name + "' (use a DL4J Activation"
                    + " name: relu, tanh, sigmoid, leakyrelu, softplus, …)");
        }
    }
}
