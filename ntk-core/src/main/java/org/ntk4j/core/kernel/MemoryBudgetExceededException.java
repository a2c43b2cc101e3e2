package org.ntk4j.core.kernel;

/**
 * Thrown before allocating when a computation would need more memory than its {@link MemoryBudget}.
 * The message names the estimate, the budget and what to change.
 */
public final class MemoryBudgetExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final String howToFit;
    private final long neededBytes;
    private final long budgetBytes;

    /**
     * @param what        what was being computed
     * @param neededBytes the estimate
     * @param budgetBytes the budget
     * @param howToFit    what the user can change
     */
    public MemoryBudgetExceededException(String what, long neededBytes, long budgetBytes, String howToFit) {
        super(what + " needs about " + MemoryBudget.human(neededBytes) + " (" + neededBytes + " bytes) but the memory budget is "
                + MemoryBudget.human(budgetBytes) + "; " + howToFit);
        this.what = what;
        this.howToFit = howToFit;
        this.neededBytes = neededBytes;
        this.budgetBytes = budgetBytes;
    }

    /** @return what was being computed (e.g. {@code "the empirical NTK of 5 x 5 examples (...)"}) */
    public String what() {
        return what;
    }

    /** @return the advice given to a Java caller (a command line gives its own, in its flags) */
    public String howToFit() {
        return howToFit;
    }

    /** @return the estimated bytes */
    public long neededBytes() {
        return neededBytes;
    }

    /** @return the budget in bytes */
    public long budgetBytes() {
        return budgetBytes;
    }
}
