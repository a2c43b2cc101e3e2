package org.ntk4j.examples;

import org.ntk4j.examples.cli.BenchCommand;
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
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean trace = parsed.hasMatchedOption("--stacktrace");
            if (trace) {
                ex.printStackTrace(cmd.getErr());
            }
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            cmd.getErr().println("ntk " + cmd.getCommandName() + ": error: " + msg.strip().replace('\n', ' '));
            return 2;
        });
        return cl.execute(args);
    }
}
