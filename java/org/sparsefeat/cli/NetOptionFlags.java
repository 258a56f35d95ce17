package org.sparsefeat.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsefeat.train.NetOptions;
import org.sparsefeat.util.NamesParameters;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The net's options ({@link NetOptions#KEYS}) as flags: each key becomes {@code --kebab-case}, typed as its value, its
 * help ending with the train command's default. A command adds them with {@code modelTransformer} and reads the
 * flags the user gave with {@link #given}.
 */
final class NetOptionFlags implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        Map<String, Object> defaults = NetOptions.defaults(NetOptions.Regime.TRAIN).toMap();
        for (NetOptions.Key k : NetOptions.KEYS) {
            OptionSpec.Builder b = OptionSpec.builder(k.flag()).type(switch (k.type()) {
                case INT -> Integer.class;
                case COUNT -> Long.class;
                case NUMBER -> Double.class;
                case FLAG -> Boolean.class;
                case TEXT -> String.class;
            });
            String description = NamesParameters.render(k.description(), n -> "--" + n.replace('_', '-'));
            if (k.type() == NetOptions.Type.FLAG) {
                b.arity("0");
            } else {
                b.paramLabel(k.label());
                description = description.substring(0, description.length() - 1) + " (default "
                        + shown(defaults.get(k.name())) + ").";
            }
            spec.addOption(b.description(description).build());
        }
        return spec;
    }

    /** A default as a user would type it: 1 and 1e-30, not 1.0 and 1.0E-30. */
    static String shown(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : d.toString().replace(".0E", "e").replace('E', 'e');
        }
        return String.valueOf(v);
    }

    /** The net options given on the command line, by name. */
    static Map<String, Object> given(CommandSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (NetOptions.Key k : NetOptions.KEYS) {
            if (parsed.hasMatchedOption(k.flag())) {
                out.put(k.name(), parsed.matchedOptionValue(k.flag(), null));
            }
        }
        return out;
    }
}
