package org.ntk4j.core.io;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden file numpy wrote ({@code golden/make_golden.py}) is read back value by value, in the ND4J type the
 * manifest names; every broken one is refused with one line that names the file and the problem.
 */
class ArrayFilesGoldenTest extends NtkTestBase {

    @TestFactory
    Stream<DynamicTest> everyGoldenFileIsReadExactlyOrRefused() {
        List<GoldenFiles.Case> cases = GoldenFiles.cases();
        assertTrue(cases.size() > 80, "manifest has " + cases.size() + " cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.location(), () -> check(c)));
    }

    static void check(GoldenFiles.Case c) {
        String location = GoldenFiles.dir().resolve(c.location()).toString();
        if (c.ok()) {
            INDArray a = ArrayFiles.read(location, ReadOptions.defaults());
            assertArrayEquals(c.shape(), a.shape(), c.location() + " shape");
            assertEquals(c.type(), a.dataType(), c.location() + " type");
            assertEquals('c', a.ordering(), c.location() + " order");
            INDArray flat = Nd4j.toFlattened('c', a);
            assertEquals(c.values().length, flat.length(), c.location() + " length");
            double[] expected = c.doubles();
            for (int i = 0; i < expected.length; i++) {
                if (a.dataType().isIntType()) {
                    assertEquals(Long.parseLong(c.values()[i]), flat.getLong(i), c.location() + " element " + i);
                } else {
                    assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(flat.getDouble(i)),
                            c.location() + " element " + i + ": expected " + expected[i] + ", got " + flat.getDouble(i));
                }
            }
        } else {
            ArrayFormatException e = assertThrows(ArrayFormatException.class,
                    () -> ArrayFiles.read(location, ReadOptions.defaults()), c.location());
            assertTrue(e.getMessage().contains(c.error()), c.location() + ": '" + e.getMessage() + "' lacks '"
                    + c.error() + "'");
            assertTrue(e.getMessage().startsWith(Path.of(GoldenFiles.dir().toString(), c.fileName()).toString()),
                    "message names the file: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @TestFactory
    Stream<DynamicTest> whatThisLibraryWritesIsByteForByteWhatNumpyWrites() {
        // np.save of a C-order little-endian array: same header (padded to 64 bytes) and data
        return Stream.of("x_c_le_f8.npy", "x_c_le_f4.npy", "x_c_le_i8.npy", "x_c_le_i4.npy", "x_c_le_i2.npy",
                "x_c_le_i1.npy", "x_c_le_f2.npy", "r0.npy", "r1.npy", "empty.npy").map(n -> DynamicTest.dynamicTest(n, () -> {
            Path golden = GoldenFiles.dir().resolve(n);
            INDArray a = ArrayFiles.read(golden);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.ntk4j.core.io.internal.NpyWriter.write(a, out);
            assertArrayEquals(java.nio.file.Files.readAllBytes(golden), out.toByteArray(), n);
        }));
    }

    static boolean sameBits(double[] a, double[] b) {
        return Arrays.equals(Arrays.stream(a).mapToLong(Double::doubleToLongBits).toArray(),
                Arrays.stream(b).mapToLong(Double::doubleToLongBits).toArray());
    }
}
