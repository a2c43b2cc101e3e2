package org.ntk4j.dl4j.arbiter.internal;

import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An Arbiter {@link StatusListener} that reports each finished candidate of a width sweep: one SLF4J line (INFO) and
 * an optional callback.
 *
 * @param <R> the row type a finished candidate is turned into
 */
public final class ProgressLog<R> implements StatusListener {
    private static final Logger log = LoggerFactory.getLogger("org.ntk4j.dl4j.arbiter.WidthSweep");
    private final int total;
    private final Function<CandidateInfo, R> toRow;
    private final Consumer<R> onComplete;
    private int done;

    /**
     * @param total      candidates in the sweep
     * @param toRow      a completed candidate's status → its row (whose toString is logged)
     * @param onComplete called with the row of every completed candidate (may be null)
     */
    public ProgressLog(int total, Function<CandidateInfo, R> toRow, Consumer<R> onComplete) {
        this.total = total;
        this.toRow = toRow;
        this.onComplete = onComplete;
    }

    @Override
    public void onInitialization(IOptimizationRunner runner) {
        log.info("width sweep: {} candidates", total);
    }

    @Override
    public void onShutdown(IOptimizationRunner runner) {
        log.debug("width sweep: runner shut down");
    }

    @Override
    public void onRunnerStatusChange(IOptimizationRunner runner) {
        // per-candidate lines are enough
    }

    @Override
    public synchronized void onCandidateStatusChange(CandidateInfo info, IOptimizationRunner runner,
                                                     OptimizationResult result) {
        if (info.getCandidateStatus() == CandidateStatus.Complete) {
            done++;
            R row = toRow.apply(info);
            log.info("width sweep: candidate {}/{} done: {}", done, total, row);
            if (onComplete != null) {
                onComplete.accept(row);
            }
        } else if (info.getCandidateStatus() == CandidateStatus.Failed) {
            done++;
            log.warn("width sweep: candidate {} failed: {}", info.getIndex(), firstLine(info.getExceptionStackTrace()));
        }
    }

    @Override
    public void onCandidateIteration(CandidateInfo info, Object candidate, int iteration) {
        // iterations are not reported
    }

    /**
     * @param stackTrace a stack trace, or null
     * @return its first line
     */
    public static String firstLine(String stackTrace) {
        if (stackTrace == null) {
            return "unknown error";
        }
        int nl = stackTrace.indexOf('\n');
        return (nl < 0 ? stackTrace : stackTrace.substring(0, nl)).strip();
    }
}
