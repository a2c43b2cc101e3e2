package org.ntk4j.examples.cli;

import org.ntk4j.dl4j.NtkProgress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr with elapsed time and an ETA, drawn only for computations of more than one tile.
 * The rate is measured from the first tile that was computed, so the burst of tiles a resumed run skips does not make
 * the ETA optimistic.
 */
final class ProgressBar implements NtkProgress {
    private final boolean enabled;
    private final PrintStream err = System.err;
    private boolean drawn;
    private long start;
    private long base = -1;
    private long baseTime;
    private long lastDraw;
    private String notice;

    ProgressBar(boolean enabled) {
        this.enabled = enabled;
    }

    /** @param line printed on stderr before the first tile's progress (once the computation is under way) */
    void announce(String line) {
        this.notice = line;
    }

    @Override
    public void update(long done, long total) {
        if (notice != null) {
            err.println(notice);
            notice = null;
        }
        if (!enabled || total <= 1) {
            return;
        }
        long now = System.nanoTime();
        if (base < 0 || now - baseTime < 2_000_000L) {   // the first update, or a burst of skipped tiles
            if (base < 0) {
                start = now;
            }
            base = done;
            baseTime = now;
        }
        if (drawn && done < total && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = (int) (width * done / total);
        String eta = "";
        if (done > base && done < total) {
            double rate = (now - baseTime) / 1e9 / (done - base);
            eta = ", ETA " + clock(rate * (total - done));
        }
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " tiles, "
                + clock((now - start) / 1e9) + eta + "   ");
        drawn = true;
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    void done() {
        if (drawn) {
            err.println();
            drawn = false;
        }
        base = -1;
    }
}
