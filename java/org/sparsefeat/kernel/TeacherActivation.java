package org.sparsefeat.kernel;

import java.util.Locale;
import org.sparsefeat.util.InvalidInputException;

/** The teacher's activation; ids as in native/include/sf_teacher.h. */
public enum TeacherActivation {
    ABS(0),
    RELU(1);

    private final int id;

    TeacherActivation(int id) { this.id = id; }

    public int id() { return id; }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static TeacherActivation parse(String s) {
        for (TeacherActivation a : values()) {
            if (a.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new InvalidInputException("unknown teacher activation '" + s + "'; expected abs or relu");
    }

    @Override
    public String toString() { return cliName(); }
}
