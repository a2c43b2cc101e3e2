package org.ntk4j.dl4j.network.internal;

/** What a backward step must produce besides the input epsilons. */
public enum ParamMode {
    /** Structured (factorized) rules where the unit has one, per-example gradients otherwise. */
    STRUCTURED,
    /** Explicit per-example gradients of every parameter unit. */
    JACOBIAN
}
