package org.ntk4j.examples.cli;

import org.ntk4j.dl4j.NtkProgress;

import java.io.PrintStream;

/** A one-line progress bar on stderr, drawn only for computations of more than one tile. */
final class ProgressBar implements NtkProgress {
    private final boolean enabled;
    private final PrintStream err = System.err;
    private boolean drawn;

    ProgressBar(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void update(long done, long total) {
        if (!enabled || total <= 1) {
            return;
        }
        int width = 30;
        int filled = (int) (width * done / total);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " tiles");
        drawn = true;
    }

    void done() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }
}
