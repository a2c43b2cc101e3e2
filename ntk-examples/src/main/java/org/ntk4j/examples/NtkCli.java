package org.ntk4j.examples;

import org.ntk4j.examples.cli.BenchCommand;
import org.ntk4j.examples.cli.CliErrors;
import org.ntk4j.examples.cli.DemoCommand;
import org.ntk4j.examples.cli.KernelCommand;
import org.ntk4j.examples.cli.LinearizeCommand;
import org.ntk4j.examples.cli.SweepCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ntk} command line. Each command prints one clear line and exits non-zero on bad input. */
@Command(name = "ntk", mixinStandardHelpOptions = true, version = "ntk4j 0.1.0",
        description = "Neural Tangent Kernel tools for Deeplearning4j.",
        subcommands = {DemoCommand.class, KernelCommand.class, LinearizeCommand.class, SweepCommand.class, BenchCommand.class})
public final class NtkCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the CLI without exiting (for tests).
     *
     * @param args command-line arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new NtkCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> CliErrors.report(ex, cmd, cmd.getCommand(),
                parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--stacktrace"))
                        || parsed.hasMatchedOption("--stacktrace")));
        cl.setParameterExceptionHandler((ex, a) -> CliErrors.usage(ex));
        try {
            return cl.execute(args);
        } catch (Error e) {
            // OutOfMemoryError and the like escape picocli's handler, which sees only Exceptions
            CommandLine where = cl;
            CommandLine.ParseResult pr = cl.getParseResult();
            while (pr != null && pr.hasSubcommand()) {
                pr = pr.subcommand();
                where = pr.commandSpec().commandLine();
            }
            return CliErrors.report(e, where, where.getCommand(), java.util.Arrays.asList(args).contains("--stacktrace"));
        }
    }
}
