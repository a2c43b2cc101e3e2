package org.ntk4j.dl4j.listener;

/** {@link NtkSinks#csv} keeps the {@link NtkSink} contract; what it writes reads back to the snapshots given. */
class CsvSinkContractTest extends LineSinkContract {
    CsvSinkContractTest() {
        super("ntk.csv", NtkSinks::csv, NtkSinks::readCsv);
    }
}
