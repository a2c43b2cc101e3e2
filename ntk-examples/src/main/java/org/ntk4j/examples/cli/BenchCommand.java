package org.ntk4j.examples.cli;

import org.ntk4j.examples.bench.EngineBenchmark;
import org.ntk4j.examples.bench.LinearizedBenchmark;
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
    @Option(names = "--linearized-n", defaultValue = "4000", description = "training points of the linearized-fit benchmark (0: skip)")
    int linearizedN;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() {
        if (n < 1 || reps < 1 || linearizedN < 0) {
            throw new IllegalArgumentException("--n and --reps must be >= 1 and --linearized-n >= 0 (got: " + n + ", " + reps + ", " + linearizedN + ")");
        }
        System.out.println("## Empirical NTK engine: MLP 32-512-512-o, ReLU, N=" + n + ", TRACE");
        EngineBenchmark.run(n, reps, System.out::println);
        System.out.println();
        if (linearizedN > 0) {
            System.out.println("## Linearized network: fit after the kernel vs ND4J potrf, N=" + linearizedN);
            System.out.println(LinearizedBenchmark.run(linearizedN, reps));
        }
        return 0;
    }
}
