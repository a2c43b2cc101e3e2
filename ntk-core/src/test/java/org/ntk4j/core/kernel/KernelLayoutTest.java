package org.ntk4j.core.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelLayoutTest extends NtkTestBase {

    @Test
    void flattenPlacesEntriesExampleMajor() {
        INDArray full = randn(DataType.DOUBLE, 1, 3, 2, 4, 4);
        INDArray flat = KernelLayout.flatten(full);
        assertEquals(12, flat.size(0));
        assertEquals(8, flat.size(1));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 4; l++) {
                        assertEquals(full.getDouble(i, j, k, l), flat.getDouble(i * 4 + k, j * 4 + l), 0.0);
                    }
                }
            }
        }
        assertEquals(0.0, KernelLayout.unflatten(flat, 4).sub(full).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void traceIsMeanOfDiagonalBlocks() {
        INDArray full = randn(DataType.FLOAT, 2, 2, 3, 3, 3);
        INDArray tr = KernelLayout.traceOf(full);
        double expected = (full.getDouble(1, 2, 0, 0) + full.getDouble(1, 2, 1, 1) + full.getDouble(1, 2, 2, 2)) / 3;
        assertEquals(expected, tr.getDouble(1, 2), 1e-6);
        assertEquals(DataType.FLOAT, tr.dataType());
    }

    @Test
    void badShapesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelLayout.traceOf(Nd4j.zeros(2, 2)));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelLayout.unflatten(Nd4j.zeros(5, 4), 2));
    }

    @Test
    void budgetRefusesWithEstimateAndAdvice() {
        MemoryBudget b = MemoryBudget.ofBytes(1000);
        b.check("small", 1000, "n/a");
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                () -> b.check("the kernel", MemoryBudget.bytes(DataType.DOUBLE, 100, 100), "use TRACE"));
        assertTrue(e.getMessage().contains("80000 bytes") && e.getMessage().contains("use TRACE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.ofBytes(0));
        assertEquals(Long.MAX_VALUE, MemoryBudget.bytes(DataType.DOUBLE, Long.MAX_VALUE / 2, 4));
    }
}
