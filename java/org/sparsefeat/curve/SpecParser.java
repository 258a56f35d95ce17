package org.sparsefeat.curve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.util.InvalidInputException;

/**
 * Reads a sweep spec (YAML) strictly: unknown keys, wrong types, empty grids and impossible combinations
 * are errors that name the file and the key, raised before any work starts.
 */
public final class SpecParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SpecParser() {}

    public static SweepSpec parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such sweep spec file");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    public static SweepSpec parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        SpecNode top = new SpecNode(source, "", root);
        top.requireObject("name", "methods", "d", "n", "seeds", "n_test", "target", "points", "fit", "datasets",
                "stability");
        boolean images = top.has("datasets");
        List<String> datasets = new ArrayList<>();
        if (images) {
            for (SpecNode item : top.child("datasets").list()) {
                String ds = item.parse(v -> v);
                if (!org.sparsefeat.images.DatasetStore.NAMES.contains(ds)) {
                    throw item.error("unknown data set '" + ds + "'; expected one of "
                            + String.join(", ", org.sparsefeat.images.DatasetStore.NAMES));
                }
                if (datasets.contains(ds)) {
                    throw item.error("data set '" + ds + "' appears twice");
                }
                datasets.add(ds);
            }
            if (datasets.isEmpty()) {
                throw top.child("datasets").error("the grid is empty; expected at least one data set");
            }
            for (String key : new String[] {"d", "target", "points"}) {
                if (top.has(key)) {
                    throw top.child(key).error("not used by an image sweep (it has datasets); remove it");
                }
            }
        } else if (top.has("stability")) {
            throw top.child("stability").error("stability to deformations is measured in image sweeps (give datasets)");
        }
        String name = top.string("name", null);
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw top.child("name").error("expected a name of letters, digits, '.', '_' or '-'");
        }
        SpecNode methodsNode = top.child("methods");
        List<SpecNode> ms = methodsNode.list();
        if (ms.isEmpty()) {
            throw methodsNode.error("expected at least one method");
        }
        List<MethodSpec> methods = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (SpecNode m : ms) {
            MethodSpec spec = images ? SpecMethods.imageMethod(m) : SpecMethods.pointMethod(m);
            if (!labels.add(spec.label())) {
                throw m.error("label '" + spec.label() + "' is used by another method; give one of them a 'label'");
            }
            methods.add(spec);
        }
        List<Integer> d = images ? List.of() : top.child("d").intList(2, "d >= 2");
        List<Integer> n = top.child("n").intList(1, "n >= 1");
        List<Long> seeds = new ArrayList<>();
        for (int s : top.child("seeds").intList(0, "seeds >= 0")) {
            seeds.add((long) s);
        }
        int nTest = top.integer("n_test", 1000);
        if (nTest < 1) {
            throw top.child("n_test").error("expected n_test >= 1, got " + nTest);
        }
        PointDistribution points = top.has("points") ? top.child("points").parse(PointDistribution::parse)
                : PointDistribution.SPHERE;
        Target target = images ? null : SpecMethods.target(top.child("target"));
        SweepSpec.StabilitySpec stability = null;
        if (top.has("stability")) {
            SpecNode st = top.child("stability");
            st.requireObject("images", "delta", "cutoff");
            stability = new SweepSpec.StabilitySpec(st.integer("images", 500), st.number("delta", 1),
                    st.number("cutoff", 3));
            if (stability.images() < 2 || !(stability.delta() >= 0) || !(stability.cutoff() > 1)) {
                throw st.error("expected images >= 2, delta >= 0 and cutoff > 1");
            }
        }
        for (int i = 0; i < methods.size(); i++) {
            MethodSpec.Restriction only = methods.get(i).only();
            for (int v : only.d()) {
                if (!d.contains(v)) {
                    throw ms.get(i).child("d").error("d = " + v + " is not in the sweep's d " + d);
                }
            }
            for (int v : only.n()) {
                if (!n.contains(v)) {
                    throw ms.get(i).child("n").error("n = " + v + " is not in the sweep's n " + n);
                }
            }
        }
        int fitMin = 0, fitMax = 0;
        if (top.has("fit")) {
            SpecNode fit = top.child("fit");
            fit.requireObject("n_min", "n_max");
            fitMin = fit.integer("n_min", 0);
            fitMax = fit.integer("n_max", 0);
            if (fitMax != 0 && fitMin > fitMax) {
                throw fit.error("n_min " + fitMin + " > n_max " + fitMax);
            }
        }
        return new SweepSpec(name, methods, points, d, n, seeds, nTest, target, datasets, stability, fitMin, fitMax);
    }
}
