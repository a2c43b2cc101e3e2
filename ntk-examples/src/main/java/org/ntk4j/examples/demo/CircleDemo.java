package org.ntk4j.examples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The flagship demo: the circle experiments of Jacot et al. (2018, Fig. 1 and 2) and the linearization result of
 * Lee et al. (2019), with real DL4J networks ({@link NtkMlp}: depth 4, ReLU, NTK parameterization) and ntk4j's
 * empirical NTK, analytic kernels, NTK Gaussian process and linearized networks.
 *
 * <p>{@link #run(Path)} writes to one folder:
 * <ul>
 *   <li>{@value #FIG1}, {@value #FIG2}, {@value #LINEARIZATION}: the three figures;</li>
 *   <li>{@value #REPORT_MD} and {@value #REPORT_HTML}: what was run, the figures with captions, the paper's numbers
 *   next to ours, the summary table (the HTML links the PNGs by relative path and needs nothing else);</li>
 *   <li>{@value #KERNELS_CSV}, {@value #FUNCTIONS_CSV}, {@value #LINEARIZATION_CSV}: the numbers behind the figures;</li>
 *   <li>{@code width-N/}: the NTK tracked by an {@code NtkListener} while the first network of each Fig. 1 width
 *   trained (drift, spectrum, eigenvalue plots and the snapshots as CSV).</li>
 * </ul>
 */
public final class CircleDemo {
    /** Fig. 1 file name. */
    public static final String FIG1 = "fig1-ntk-circle.png";
    /** Fig. 2 file name. */
    public static final String FIG2 = "fig2-ntk-gp.png";
    /** Linearization figure file name. */
    public static final String LINEARIZATION = "linearization-vs-width.png";
    /** Markdown report. */
    public static final String REPORT_MD = "report.md";
    /** HTML report. */
    public static final String REPORT_HTML = "report.html";
    /** Θ(x0, x_γ) of Fig. 1. */
    public static final String KERNELS_CSV = "kernels.csv";
    /** Functions and GP percentiles of Fig. 2. */
    public static final String FUNCTIONS_CSV = "functions.csv";
    /** One row per network of the linearization plot. */
    public static final String LINEARIZATION_CSV = "linearization.csv";

    /**
     * Everything one run measured (package-private: the tests read it).
     *
     * @param kernels       Fig. 1
     * @param sweep         the trained networks of Fig. 2 and the linearization plot
     * @param gp            Fig. 2's Gaussian process and coverage
     * @param linearization the fitted slope
     * @param seconds       wall time of the whole run
     */
    record Results(KernelFigure.Result kernels, List<WidthSweep.Run> sweep, GpFigure.Result gp,
                          LinearizationFigure.Result linearization, double seconds) {
    }

    private final DemoSettings settings;
    private final Circle circle;
    private final PrintStream progress;

    /**
     * @param settings the sizes of the run
     * @param progress where to print one line per trained network, or null for silence
     */
    public CircleDemo(DemoSettings settings, PrintStream progress) {
        this.settings = settings;
        this.circle = Circle.of(settings.gridPoints());
        this.progress = progress;
    }

    /** @return the sizes of the run */
    public DemoSettings settings() {
        return settings;
    }

    /**
     * Trains every network, computes every kernel and writes every file.
     *
     * @param dir output folder (created)
     * @return the summary table (what {@code ntk demo} prints)
     * @throws IOException when a file cannot be written
     */
    public String run(Path dir) throws IOException {
        return summary(measure(dir));
    }

    Results measure(Path dir) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        WidthSweep.Outcome trained = WidthSweep.run(settings, circle, dir, progress);
        KernelFigure.Result kernels = trained.kernels();
        List<WidthSweep.Run> sweep = trained.sweep();
        GpFigure.Result gp = GpFigure.run(settings, circle, sweep);
        LinearizationFigure.Result lin = LinearizationFigure.fit(settings, sweep);
        KernelFigure.plot(kernels, settings, circle, dir.resolve(FIG1));
        GpFigure.plot(gp, settings, circle, sweep, dir.resolve(FIG2));
        LinearizationFigure.plot(lin, settings, sweep, dir.resolve(LINEARIZATION));
        KernelFigure.table(kernels, circle).write(dir.resolve(KERNELS_CSV));
        GpFigure.table(gp, circle, sweep).write(dir.resolve(FUNCTIONS_CSV));
        LinearizationFigure.table(sweep).write(dir.resolve(LINEARIZATION_CSV));
        Results r = new Results(kernels, sweep, gp, lin, (System.nanoTime() - t0) / 1e9);
        DemoReport report = new DemoReport(settings, r);
        write(dir.resolve(REPORT_MD), report.doc().markdown());
        write(dir.resolve(REPORT_HTML), report.doc().html());
        return r;
    }

    String summary(Results r) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-22s %-8s %-6s %-28s %-28s %-12s%n", "experiment", "width", "nets",
                "||Θ0 − Θ∞||/||Θ∞|| | ratio", "drift | GP band coverage", "loss end"));
        for (int w : settings.kernelWidths()) {
            List<KernelFigure.Curve> cs = r.kernels().curves().stream().filter(c -> c.width() == w).toList();
            t.append(String.format(Locale.ROOT, "%-22s %-8d %-6d %-28.4f %-28.4f %-12.3g%n", "Fig. 1 (kernel)", w,
                    cs.size(), avg(cs, KernelFigure.Curve::initError), avg(cs, KernelFigure.Curve::drift),
                    avg(cs, KernelFigure.Curve::lossEnd)));
        }
        for (int i = 0; i < settings.sweepWidths().length; i++) {
            int w = settings.sweepWidths()[i];
            List<WidthSweep.Run> rs = r.sweep().stream().filter(x -> x.width() == w).toList();
            t.append(String.format(Locale.ROOT, "%-22s %-8d %-6d %-28.4f %-28.3f %-12.3g%n", "Fig. 2 / linearization",
                    w, rs.size(), avg(rs, WidthSweep.Run::ratio), r.gp().coverage()[i], avg(rs, WidthSweep.Run::lossEnd)));
        }
        t.append(String.format(Locale.ROOT, "linearization slope: ratio ∝ width^%.3f; total %.1f s%n",
                r.linearization().slope(), r.seconds()));
        return t.toString();
    }

    static <T> double avg(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** @return the files {@link #run} writes directly in its folder, besides {@code width-N/} */
    public static List<String> files() {
        return new ArrayList<>(List.of(FIG1, FIG2, LINEARIZATION, REPORT_MD, REPORT_HTML, KERNELS_CSV, FUNCTIONS_CSV,
                LINEARIZATION_CSV));
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.toAbsolutePath().getParent().resolve("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
