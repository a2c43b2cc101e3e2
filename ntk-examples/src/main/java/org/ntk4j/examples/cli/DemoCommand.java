package org.ntk4j.examples.cli;

import org.ntk4j.examples.demo.CircleDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ntk demo}: the flagship run on built-in data, no arguments needed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Circle experiment of Jacot et al. (2018) on DL4J MLPs of two widths: NTK at init vs after training.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out", description = "output folder (default: out)")
    Path out;
    @Option(names = "--steps", defaultValue = "300", description = "full-batch SGD steps")
    int steps;
    @Option(names = "--widths", split = ",", defaultValue = "64,1024", description = "hidden widths")
    int[] widths;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1 (got: " + steps + ")");
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("--widths must be >= 1 (got: " + w + ")");
            }
        }
        CircleDemo demo = new CircleDemo(widths, steps, 121, out);
        List<CircleDemo.Run> runs = demo.run();
        String table = demo.write(runs, out);
        System.out.print(table);
        System.out.println("wrote " + out.resolve("report.md") + ", " + out.resolve("kernels.csv")
                + " and the NTK-tracking plots in " + out.resolve("width-*"));
        return 0;
    }
}
