package org.ntk4j.examples.cli;

import org.ntk4j.examples.demo.CircleDemo;
import org.ntk4j.examples.demo.DemoSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ntk demo}: the flagship run on built-in data, no arguments needed. Reproduces Jacot et al. (2018) Fig. 1
 * and 2 and the linearization result of Lee et al. (2019) with DL4J networks and writes the figures and a report to
 * {@code out/} (see {@link CircleDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Jacot et al. (2018) Fig. 1-2 and Lee et al. (2019) on DL4J MLPs: figures and report in --out.")
public final class DemoCommand implements Callable<Integer> {
    private static final DemoSettings STD = DemoSettings.standard();

    @Option(names = "--out", defaultValue = "out", description = "output folder (default: out)")
    Path out;
    @Option(names = "--steps", description = "full-batch SGD steps (default: 200)")
    Integer steps;
    @Option(names = "--kernel-widths", split = ",", description = "Fig. 1 widths, narrow,wide (default: 512,2048)")
    int[] kernelWidths;
    @Option(names = "--sweep-widths", split = ",",
            description = "widths of Fig. 2 and the linearization plot (default: 64,128,256,512,1024,2048)")
    int[] sweepWidths;
    @Option(names = "--seeds", description = "initialisations per sweep width (default: 3)")
    Integer seeds;
    @Option(names = "--tiny", description = "a seconds-long run at tiny widths (for smoke tests)")
    boolean tiny;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() throws Exception {
        DemoSettings base = tiny ? DemoSettings.tiny() : STD;
        DemoSettings s;
        try {
            s = new DemoSettings(kernelWidths != null ? kernelWidths : base.kernelWidths(), base.kernelSeeds(),
                    sweepWidths != null ? sweepWidths : base.sweepWidths(), seeds != null ? seeds : base.sweepSeeds(),
                    steps != null ? steps : base.steps(), base.learningRate(), base.gridPoints());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("kernelWidths", "--kernel-widths")
                    .replace("sweepWidths", "--sweep-widths").replace("sweep width", "--sweep-widths")
                    .replace("kernel width", "--kernel-widths").replace("sweepSeeds", "--seeds")
                    .replace("steps", "--steps"));
        }
        String table = new CircleDemo(s, System.err).run(out);
        System.out.print(table);
        System.out.println("wrote " + out.resolve(CircleDemo.REPORT_HTML) + " (open it in a browser), "
                + out.resolve(CircleDemo.REPORT_MD) + ", the figures " + CircleDemo.FIG1 + ", " + CircleDemo.FIG2 + ", "
                + CircleDemo.LINEARIZATION + ", the CSVs and the NTK-tracking plots in " + out.resolve("width-*"));
        return 0;
    }
}
