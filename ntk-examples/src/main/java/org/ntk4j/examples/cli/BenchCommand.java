package org.ntk4j.examples.cli;

import org.ntk4j.examples.bench.AnalyticBenchmark;
import org.ntk4j.examples.bench.EngineBenchmark;
import org.ntk4j.examples.bench.IoBenchmark;
import org.ntk4j.examples.bench.LinearizedBenchmark;
import org.ntk4j.examples.bench.ListenerBenchmark;
import org.ntk4j.examples.bench.SequenceBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ntk bench}: the performance benchmarks, printing ratios measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Performance benchmarks (ratios measured in this run; see docs/benchmarks.md).")
public final class BenchCommand implements Callable<Integer> {
    /** The benchmarks. */
    enum Suite { ENGINE, SEQUENCE, LISTENER, LINEARIZED, ANALYTIC, CNN, IO }

    @Option(names = "--only", split = ",", description = "benchmarks to run: engine, sequence, listener, linearized, analytic (dense and CNN), cnn (the CNN rows "
            + "of analytic alone), io (default: all)")
    List<String> only;
    @Option(names = "--n", defaultValue = "256", description = "examples for the engine benchmark")
    int n;
    @Option(names = "--reps", defaultValue = "3", description = "timed repetitions (minimum reported)")
    int reps;
    @Option(names = "--linearized-n", defaultValue = "4000", description = "training points of the linearized-fit benchmark")
    int linearizedN;
    @Option(names = "--analytic-n", defaultValue = "2000", description = "inputs of the analytic-kernel benchmark")
    int analyticN;
    @Option(names = "--peer", description = "peer to run on the same shapes in the engine benchmark: torch, or none"
            + " (default: torch when python3 can import it)", defaultValue = "torch")
    String peer;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() {
        if (n < 1 || reps < 1 || linearizedN < 1 || analyticN < 1) {
            throw new IllegalArgumentException("--n, --reps, --linearized-n and --analytic-n must be >= 1 (got: "
                    + n + ", " + reps + ", " + linearizedN + ", " + analyticN + ")");
        }
        if (!"torch".equalsIgnoreCase(peer) && !"none".equalsIgnoreCase(peer)) {
            throw new IllegalArgumentException("--peer must be torch or none (got: " + peer + ")");
        }
        EnumSet<Suite> suites = EnumSet.noneOf(Suite.class);
        if (only == null || only.isEmpty()) {
            suites = EnumSet.allOf(Suite.class);
        } else {
            for (String s : only) {
                suites.add(KernelCommand.parse(Suite.class, s, "--only", "engine, sequence, listener, linearized, analytic, cnn, io"));
            }
        }
        if (suites.contains(Suite.ENGINE)) {
            System.out.println("## Empirical NTK engine: MLP 32-512-512-o, ReLU, N=" + n + ", symmetric kernel");
            EngineBenchmark.run(n, reps, "torch".equalsIgnoreCase(peer), System.out::println);
            System.out.println();
        }
        if (suites.contains(Suite.SEQUENCE)) {
            System.out.println("## Sequence models: exact fallback (AUTO) vs JACOBIAN, LSTM 32-128, T=20, N=" + n + ", TRACE");
            System.out.println("| model | N | m | AUTO s | JACOBIAN s | JACOBIAN/AUTO |");
            SequenceBenchmark.run(n, 20, System.out::println);
            System.out.println();
        }
        if (suites.contains(Suite.LISTENER)) {
            System.out.println("## NtkListener: overhead on an MLP training run (128-example probe every 100 iterations)");
            System.out.println(ListenerBenchmark.run(ListenerBenchmark.Config.defaults()).summary());
        }
        if (suites.contains(Suite.LINEARIZED)) {
            System.out.println("## Linearized network: fit after the kernel vs ND4J potrf, N=" + linearizedN);
            System.out.println(LinearizedBenchmark.run(linearizedN, reps));
        }
        if (suites.contains(Suite.ANALYTIC)) {
            System.out.println(String.format(Locale.ROOT, "## Analytic kernels: N=%d, d=32, 5 layers", analyticN));
            System.out.println(AnalyticBenchmark.run(analyticN, 25, 1));
        } else if (suites.contains(Suite.CNN)) {
            System.out.println("## Analytic kernels of a CNN");
            System.out.println(AnalyticBenchmark.cnn(Math.min(analyticN, 500)));
        }
        if (suites.contains(Suite.IO)) {
            System.out.println("## Array files: reading and writing a [262144, 128] float64 array (256 MiB)");
            System.out.println(IoBenchmark.run(262144, reps));
        }
        return 0;
    }
}
