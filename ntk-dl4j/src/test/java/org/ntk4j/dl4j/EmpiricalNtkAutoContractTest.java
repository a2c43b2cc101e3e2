package org.ntk4j.dl4j;

/** The kernel contract for {@link EmpiricalNtk} with {@link NtkImplementation#AUTO}. */
class EmpiricalNtkAutoContractTest extends EmpiricalNtkContract {
    @Override
    protected NtkImplementation implementation() {
        return NtkImplementation.AUTO;
    }
}
