package org.sparsefeat.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * struct sf_gd_net and the launch constants as libsparsefeat reports them (native/include/sf_layout.h) against the
 * Java side's expectation (GdNetField), field by field: a field moved, renamed, added or dropped in the C struct fails
 * here, not in a run that trains on garbage.
 */
class GdNetLayoutTest {
    @Test
    void everyFieldSitsWhereTheJavaListSaysAndNoneIsMissing() {
        long expected = 0;
        for (GdNetField f : GdNetField.values()) {
            assertEquals(expected, f.offset, f.cName() + ": offset (a field moved or another was inserted before it)");
            assertEquals(expected / Long.BYTES, f.word(), f.cName());
            expected += Long.BYTES;  // every field is 8 bytes
        }
        assertEquals(expected, GdNetField.BYTES, "sizeof(sf_gd_net): the C struct has fields GdNetField lacks");
        List<String> cFields = new ArrayList<>();
        for (String name : NativeLayout.table().keySet()) {
            if (name.startsWith("sf_gd_net.")) {
                cFields.add(name);
            }
        }
        List<String> javaFields = new ArrayList<>();
        for (GdNetField f : GdNetField.values()) {
            javaFields.add(f.cName());
        }
        assertEquals(javaFields, cFields, "the fields of sf_layout.h vs GdNetField, in order");
    }

    @Test
    void offsetsAreDistinctAndIncreasing() {
        GdNetField[] fs = GdNetField.values();
        for (int i = 1; i < fs.length; i++) {
            assertTrue(fs[i].offset > fs[i - 1].offset, fs[i - 1].cName() + " at " + fs[i - 1].offset + ", "
                    + fs[i].cName() + " at " + fs[i].offset);
        }
    }

    @Test
    void theLaunchConstantsAreExportedWithTheirMeaning() {
        Map<String, Long> t = NativeLayout.table();
        for (String c : List.of("SF_GD_BLOCK", "SF_GD_PAD", "SF_GD_CHUNK", "SF_GD_FINISH", "SF_GD_NEURONS",
                "SF_GD_SLICES", "SF_GD2_THREADS", "SF_GD2_LANES", "SF_GD2_SLICES", "SF_GD_REG_THREADS",
                "SF_GD_SUM_THREADS", "SF_GRAM_TILE", "SF_PREDICT_ROWS", "SF_PREDICT_THREADS", "SF_TEACHER_THREADS",
                "SF_TEACHER_MAX_D")) {
            assertTrue(t.containsKey(c) && t.get(c) > 0, c + " = " + t.get(c));
        }
        // the relations the kernels rely on (static_asserts in cuda/gd.cu), seen from the host that launches them
        assertEquals(NativeLayout.value("SF_GD2_THREADS") * NativeLayout.value("SF_GD2_POINTS"),
                NativeLayout.value("SF_GD_CHUNK"), "a v2 forward block covers a v1 block's points");
        assertEquals(NativeLayout.value("SF_GD2_LANES") * NativeLayout.value("SF_GD2_PER_THREAD"),
                NativeLayout.value("SF_GD_NEURONS"), "a v2 neuron block updates a v1 block's neurons");
        assertEquals((1L << 2) | (1L << 3) | (1L << 4) | (1L << 5) | (1L << 6) | (1L << 8) | (1L << 10) | (1L << 16),
                NativeLayout.value("SF_GD_DIMENSION_MASK"), "the d the GD kernels are compiled for");
        assertEquals(NativeNet.BLOCK, NativeLayout.value("SF_GD_BLOCK"));
    }
}
