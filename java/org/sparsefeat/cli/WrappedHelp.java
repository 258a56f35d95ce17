package org.sparsefeat.cli;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Every command's help: lines broken at spaces only, and the options in one order across commands.
 *
 * <p>picocli wraps with {@link java.text.BreakIterator}'s line rules, which also break after a '.' or '/' before a
 * letter and before a '(': "e.\ng. 8g", "[--y-test=y.\nnpy]", "s N\n(0,1)". Each table the help is made of (synopsis,
 * description, option list, command list) is built here on a {@link SpaceWrappingTable} instead; the layout (columns,
 * indents) is picocli's own.
 *
 * <p>Order: the command's own options as declared, then its outputs ({@code --out...}, {@code --save-weights}), then
 * the options every long command shares (where and how to run), then {@code --help} and {@code --version}.
 */
final class WrappedHelp extends Help {
    /** The shared options of {@link BackendOptions} and {@link ProgressOption}, listed after a command's own. */
    private static final List<String> SHARED = List.of("--backend", "--threads", "--progress");
    /** Wide enough that picocli's own formatting of a description line never wraps it. */
    private static final int UNWRAPPED = 10_000;

    WrappedHelp(CommandSpec spec, ColorScheme scheme) { super(spec, scheme); }

    /** The help factory of the sparsefeat command line. */
    static Help create(CommandSpec spec, ColorScheme scheme) { return new WrappedHelp(spec, scheme); }

    private int width() { return commandSpec().usageMessage().width(); }

    /** 0 the command's own options, 1 its outputs, 2 the shared ones, 3 help and version. */
    static int rank(OptionSpec o) {
        if (o.usageHelp() || o.versionHelp()) {
            return 3;
        }
        String name = o.longestName();
        if (SHARED.contains(name)) {
            return 2;
        }
        return name.equals("--out") || name.startsWith("--out-") || name.equals("--save-weights") ? 1 : 0;
    }

    @Override
    public Comparator<OptionSpec> createDefaultOptionSort() {
        // a stable sort: declaration order within a rank; the shared options in SHARED's order
        return Comparator.comparingInt(WrappedHelp::rank)
                .thenComparingInt(o -> rank(o) == 2 ? SHARED.indexOf(o.longestName()) : 0);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        Layout base = super.createDefaultLayout(options, positionals, scheme);
        return new Layout(scheme, SpaceWrappingTable.like(base.textTable(), scheme), base.optionRenderer(),
                base.parameterRenderer());
    }

    @Override
    public String description(Object... params) {
        String[] lines = commandSpec().usageMessage().description();
        if (lines.length == 0) {
            return "";
        }
        // picocli's join formats each line (and warns of a bad format); at this width it breaks none of them
        String formatted = Help.join(Ansi.OFF, UNWRAPPED, false, lines, new StringBuilder(), params).toString();
        SpaceWrappingTable table = new SpaceWrappingTable(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
        table.indentWrappedLines = 0;
        formatted.lines().forEach(line -> table.addRowValues(colorScheme().text(line)));
        return table.toString();
    }

    /** picocli's own, on a table that breaks at spaces. */
    @Override
    protected String insertSynopsisCommandName(int headingLength, Ansi.Text details) {
        UsageMessageSpec usage = commandSpec().usageMessage();
        String name = commandSpec().qualifiedName();
        int indent = headingLength + name.length() + 1;
        if (indent > usage.synopsisAutoIndentThreshold() * width()) {
            indent = Math.min(usage.synopsisIndent() < 0 ? headingLength : usage.synopsisIndent(), (int) (0.9 * width()));
        }
        SpaceWrappingTable table = new SpaceWrappingTable(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
        table.indentWrappedLines = indent;
        // the heading's room is held by a word of X's glued to the name, cut off again below
        Ansi.Text padding = Ansi.OFF.new Text("X".repeat(headingLength), colorScheme());
        table.addRowValues(padding.concat(colorScheme().commandText(name)).concat(details));
        return table.toString().substring(headingLength);
    }

    /** picocli's own, on a table that breaks at spaces. */
    @Override
    public String commandList(Map<String, Help> subcommands) {
        if (subcommands.isEmpty()) {
            return "";
        }
        int nameWidth = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width() / 2);
        SpaceWrappingTable table = new SpaceWrappingTable(colorScheme(), new Column(nameWidth + 2, 2,
                Column.Overflow.SPAN), new Column(width() - (nameWidth + 2), 2, Column.Overflow.WRAP));
        for (Help help : subcommands.values()) {
            UsageMessageSpec usage = help.commandSpec().usageMessage();
            String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
            String first = summary.length == 0 ? "" : Help.join(Ansi.OFF, UNWRAPPED, false,
                    new String[] {summary[0]}, new StringBuilder()).toString().stripTrailing();
            Ansi.Text[] lines = colorScheme().text(first).splitLines();
            for (int i = 0; i < lines.length; i++) {
                table.addRowValues(i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
            }
        }
        return table.toString();
    }

    /** A picocli text table whose wrapping columns break lines at spaces only (a longer word is cut, as picocli does). */
    static final class SpaceWrappingTable extends TextTable {
        SpaceWrappingTable(ColorScheme scheme, Column... columns) { super(scheme, columns); }

        static SpaceWrappingTable like(TextTable table, ColorScheme scheme) {
            SpaceWrappingTable t = new SpaceWrappingTable(scheme, Arrays.stream(table.columns())
                    .map(c -> new Column(c.width, c.indent, c.overflow)).toArray(Column[]::new));
            t.indentWrappedLines = table.indentWrappedLines;
            t.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
            return t;
        }

        @Override
        public Cell putValue(int row, int col, Ansi.Text value) {
            Column column = columns()[col];
            boolean wraps = column.overflow == Column.Overflow.WRAP
                    || (column.overflow == Column.Overflow.SPAN && col == columns().length - 1);
            if (value == null || !wraps || column.indent + value.plainString().length() < column.width) {
                return super.putValue(row, col, value);  // fits (or is not wrapped): picocli breaks nothing
            }
            String plain = value.plainString();
            int start = 0;
            int extra = 0;  // continuation lines: indentWrappedLines beyond the column's indent
            int r = row;
            while (true) {
                // one column short of the width, as picocli leaves it: a line that fills a terminal's width may
                // make it wrap
                int room = Math.max(1, column.width - 1 - column.indent - extra);
                int end = lineEnd(plain, start, room);
                Ansi.Text line = value.substring(start, end);
                // each piece fits, so picocli's own copy of it breaks nothing
                super.putValue(r, col, extra == 0 ? line : value.substring(0, 0).concat(" ".repeat(extra)).concat(line));
                start = end;
                while (start < plain.length() && plain.charAt(start) == ' ') {
                    start++;
                }
                if (start >= plain.length()) {
                    return new Cell(col, r);
                }
                addEmptyRow();
                r++;
                extra = indentWrappedLines;
            }
        }

        /** Where the line from {@code start} ends: at the last space that leaves it at most {@code room} long. */
        private static int lineEnd(String s, int start, int room) {
            if (s.length() - start <= room) {
                return s.length();
            }
            for (int i = start + room; i > start; i--) {
                if (s.charAt(i) == ' ') {
                    int end = i;
                    while (end > start && s.charAt(end - 1) == ' ') {
                        end--;
                    }
                    if (end > start) {
                        return end;
                    }
                }
            }
            return start + room;  // one word longer than the line: cut
        }
    }
}
