package org.ntk4j.dl4j.listener;

/** {@link NtkSinks#jsonLines} keeps the {@link NtkSink} contract; what it writes reads back to the snapshots given. */
class JsonLinesSinkContractTest extends LineSinkContract {
    JsonLinesSinkContractTest() {
        super("ntk.jsonl", NtkSinks::jsonLines, NtkSinks::readJsonLines);
    }
}
