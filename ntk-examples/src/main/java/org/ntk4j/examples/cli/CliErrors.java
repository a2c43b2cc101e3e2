package org.ntk4j.examples.cli;

import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The one place where the command line turns errors into messages and exit codes: every error is one line on stderr,
 * {@code ntk <command>: error: ...}, and exit code {@link #EXIT_ERROR}; stack traces only with {@code --stacktrace}.
 * Library messages that name Java methods (the memory budget's) are rephrased in the command's flags.
 */
public final class CliErrors {
    /** Exit code of every refused input or failed run. */
    public static final int EXIT_ERROR = 2;
    /** The analytic kernels' shape message, "expected x1 of shape [n, 3], got [2, 3, 4]". */
    private static final java.util.regex.Pattern ANALYTIC_SHAPE =
            java.util.regex.Pattern.compile("expected (x[12]) of shape (.*)", java.util.regex.Pattern.DOTALL);

    private CliErrors() {
    }

    /**
     * @param ex      what the command threw
     * @param cmd     the command
     * @param command the command's object (for {@link MemoryAdvice}), or {@code null}
     * @param trace   whether to print the stack trace first
     * @return the exit code
     */
    public static int report(Throwable ex, CommandLine cmd, Object command, boolean trace) {
        PrintWriter err = cmd.getErr();
        if (trace) {
            ex.printStackTrace(err);
        }
        err.println(prefix(cmd) + ": error: " + oneLine(message(ex, command)));
        err.flush();
        return EXIT_ERROR;
    }

    /**
     * A usage error (unknown option, missing value) as one line, pointing to the command's help.
     *
     * @param ex the parse failure
     * @return the exit code
     */
    public static int usage(CommandLine.ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println(prefix(cmd) + ": error: " + oneLine(ex.getMessage()) + " (see: " + prefix(cmd)
                + " --help)");
        cmd.getErr().flush();
        return EXIT_ERROR;
    }

    /** @return {@code ntk} for the top level, {@code ntk kernel} for a command */
    private static String prefix(CommandLine cmd) {
        return cmd.getParent() == null ? "ntk" : "ntk " + cmd.getCommandName();
    }

    /**
     * @param ex      a failure
     * @param command the command object, or {@code null}
     * @return its message for a command-line user
     */
    static String message(Throwable ex, Object command) {
        MemoryBudgetExceededException mb = find(ex, MemoryBudgetExceededException.class);
        if (mb != null) {
            String advice = command instanceof MemoryAdvice a ? a.memoryAdvice(mb) : "";
            return mb.what() + " needs about " + MemoryBudget.human(mb.neededBytes()) + " but the memory budget is "
                    + MemoryBudget.human(mb.budgetBytes()) + "; " + (advice.isEmpty() ? "" : advice + ", or ")
                    + "give a larger --memory-budget (e.g. --memory-budget " + suggest(mb.neededBytes()) + ")";
        }
        if (find(ex, OutOfMemoryError.class) != null) {
            return "out of memory (" + ex.getMessage() + "): give a smaller --memory-budget so that the run is "
                    + "refused before allocating, or more memory to the JVM (java -Xmx..., "
                    + "-Dorg.bytedeco.javacpp.maxphysicalbytes=...)";
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        // the library names its arguments x1/x2; on the command line they are --x1/--x2
        if (msg.startsWith("x1: ") || msg.startsWith("x2: ")) {
            return "--" + msg.substring(0, 2) + " " + msg.substring(4);
        }
        java.util.regex.Matcher shape = ANALYTIC_SHAPE.matcher(msg);
        return shape.matches() ? "--" + shape.group(1) + " expected shape " + shape.group(2) : msg;
    }

    private static String suggest(long bytes) {
        long g = Math.max(1, (bytes + (1L << 30) - 1) >> 30);
        return g + "g";
    }

    private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?");
    }
}
