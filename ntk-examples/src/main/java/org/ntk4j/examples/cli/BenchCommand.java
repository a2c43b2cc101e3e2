package org.ntk4j.examples.cli;

import org.ntk4j.examples.bench.EngineBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ntk bench}: the performance benchmarks, printing ratios measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Performance benchmarks (ratios measured in this run; see docs/benchmarks.md).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--n", defaultValue = "256", description = "examples for the engine benchmark")
    int n;
    @Option(names = "--reps", defaultValue = "5", description = "timed repetitions (minimum reported)")
    int reps;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() {
        if (n < 1 || reps < 1) {
            throw new IllegalArgumentException("--n and --reps must be >= 1 (got: " + n + ", " + reps + ")");
        }
        System.out.println("## Empirical NTK engine: MLP 32-512-512-o, ReLU, N=" + n + ", TRACE");
        EngineBenchmark.run(n, reps, System.out::println);
        System.out.println();
        return 0;
    }
}
