package org.ntk4j.dl4j;

/** The kernel contract for {@link EmpiricalNtk} with {@link NtkImplementation#JACOBIAN}. */
class EmpiricalNtkJacobianContractTest extends EmpiricalNtkContract {
    @Override
    protected NtkImplementation implementation() {
        return NtkImplementation.JACOBIAN;
    }
}
