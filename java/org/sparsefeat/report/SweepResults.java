package org.sparsefeat.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.sparsefeat.curve.MethodSpec;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.SpecParser;
import org.sparsefeat.curve.SweepPoint;
import org.sparsefeat.curve.SweepSpec;
import org.sparsefeat.util.InvalidInputException;

/**
 * The records of one sweep, merged from its directories (the shards of one sweep, each with the same spec.yaml): the
 * spec, the machines' environments and one record per finished grid point.
 */
public final class SweepResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SweepSpec spec;
    private final String specText;
    private final List<JsonNode> environments = new ArrayList<>();
    private final Map<String, JsonNode> records = new LinkedHashMap<>();

    /** Reads and merges the sweep directories; refuses directories of different sweeps. */
    public SweepResults(List<Path> dirs) {
        if (dirs.isEmpty()) {
            throw new InvalidInputException("report: give at least one sweep directory");
        }
        SweepSpec first = null;
        String firstText = null;
        for (Path dir : dirs) {
            Path specFile = dir.resolve(ResultStore.SPEC);
            if (!Files.isRegularFile(specFile)) {
                throw new InvalidInputException(dir + ": not a sweep directory (no " + ResultStore.SPEC + ")");
            }
            SweepSpec s = SpecParser.parse(specFile);
            String text = read(specFile);
            if (first == null) {
                first = s;
                firstText = text;
            } else if (!sameSweep(firstText, text)) {
                throw new InvalidInputException(dir + " holds another sweep ('" + s.name() + "') than " + dirs.getFirst()
                        + " ('" + first.name() + "'): their spec.yaml differ");
            }
            Path env = dir.resolve(ResultStore.ENVIRONMENT);
            if (Files.isRegularFile(env)) {
                try {
                    environments.add(JSON.readTree(env.toFile()));
                } catch (IOException e) {
                    throw new InvalidInputException(env + ": not JSON (" + e.getMessage() + ")");
                }
            }
            records.putAll(new ResultStore(dir).load());
        }
        this.spec = first;
        this.specText = firstText;
    }

    public SweepSpec spec() { return spec; }

    /** The spec as its file holds it. */
    public String specText() { return specText; }

    /** The environment.json of each directory that has one. */
    public List<JsonNode> environments() { return environments; }

    /** Finished grid points. */
    public int size() { return records.size(); }

    /** The record of one grid point, or null where it has not run. */
    public JsonNode record(MethodSpec m, String where, int n, long seed) {
        return records.get(SweepPoint.key(m.label(), where, n, seed));
    }

    /** A numeric field of a record, NaN where the record or the number is missing (null: not finite). */
    public static double number(JsonNode r, String field) {
        return r != null && r.has(field) && r.get(field).isNumber() ? r.get(field).asDouble() : Double.NaN;
    }

    /** What of the sweep's work ran on the CPU although the backend is another: the records' cpu_fallbacks, merged. */
    public List<String> cpuFallbacks() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (JsonNode r : records.values()) {
            r.path("cpu_fallbacks").forEach(f -> all.add(f.asText()));
        }
        return List.copyOf(all);
    }

    /** The epsilon the records' atoms were counted with, or {@code fallback} where no record says. */
    public double atomEpsilon(double fallback) {
        return records.values().stream().filter(r -> r.has("atom_epsilon")).mapToDouble(r -> r.get("atom_epsilon").asDouble())
                .findFirst().orElse(fallback);
    }

    private static boolean sameSweep(String a, String b) {
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            return yaml.readTree(a).equals(yaml.readTree(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException(f + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
