package org.ntk4j.examples.cli;

import org.ntk4j.core.kernel.MemoryBudgetExceededException;

/** A command that knows which of its own flags make a computation fit in memory. */
public interface MemoryAdvice {
    /**
     * @param e the refusal (what was computed, bytes needed, the budget)
     * @return what to change, in the command's flags, e.g. {@code "use a smaller --block-size (now 512)"}
     */
    String memoryAdvice(MemoryBudgetExceededException e);
}
