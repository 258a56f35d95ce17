package org.sparsefeat.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsefeat.util.Numbers;

/**
 * The one writer of a trained net's outcome and dynamics as JSON fields, so that {@code train --out} and a sweep's
 * results.jsonl record them under the same names and in the same shape. Non-finite numbers are written as null.
 */
public final class RunRecord {
    private RunRecord() {}

    /** status, steps, the full and half MSEs (train and test), the final regulariser and the health flags. */
    public static void putOutcome(Map<String, Object> m, Trainer.Result r) {
        m.put("status", r.status().name().toLowerCase(Locale.ROOT));
        m.put("steps", r.steps());
        m.put("train_mse", Numbers.finiteOrNull(r.trainMse()));
        m.put("test_mse", Numbers.finiteOrNull(r.testMse()));
        m.put("train_half_mse", Numbers.finiteOrNull(r.trainHalfMse()));
        m.put("test_half_mse", Numbers.finiteOrNull(r.testHalfMse()));
        m.put("regularizer", Numbers.finiteOrNull(r.regularizer()));
        m.put("warnings", r.health().codes());
        if (!r.health().ok()) {
            m.put("warning", r.health().detail());
        }
    }

    /** One object per checkpoint: step, seconds, train and test half MSE, regulariser (and atoms when counted). */
    public static List<Map<String, Object>> dynamics(Trainer.Result r) {
        List<Map<String, Object>> dyn = new ArrayList<>();
        for (Trainer.Checkpoint c : r.dynamics()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", c.step());
            e.put("seconds", c.seconds());
            e.put("train_half_mse", Numbers.finiteOrNull(c.trainHalfMse()));
            e.put("test_half_mse", Numbers.finiteOrNull(c.testHalfMse()));
            e.put("regularizer", Numbers.finiteOrNull(c.regularizer()));
            if (c.atoms() != null) {
                e.put("atoms", c.atoms());
                e.put("atoms_thresholded", c.atomsThresholded());
            }
            dyn.add(e);
        }
        return dyn;
    }
}
