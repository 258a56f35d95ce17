package org.sparsefeat.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Log-log line charts written as PNG and SVG (JFreeChart, SVG through JFreeSVG). Both axes tick as
 * {@link LogTicks} says: each decade labelled 10ⁿ, the multiples between as short unlabelled ticks, grid lines only
 * at the labelled ticks.
 */
public final class Plots {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    static final int WIDTH = 900;
    static final int HEIGHT = 480;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color GRID = new Color(0xdddddd);
    private static final Color INK = new Color(0x333333);

    /**
     * One curve.
     *
     * @param errors error bars (null for none)
     * @param line   drawn as a line without markers (dashed: fits; dotted: predictions), else markers joined by a
     *               thin line
     * @param color  index into the palette, so a curve, its fit and its prediction share a color
     * @param dotted with {@code line}: dotted rather than dashed, so that a prediction and a fit of the same curve
     *               can be told apart
     */
    public record Series(String name, double[] x, double[] y, double[] errors, boolean line, int color,
                         boolean dotted) {
        public Series(String name, double[] x, double[] y, double[] errors, boolean line, int color) {
            this(name, x, y, errors, line, color, false);
        }
    }

    static {
        // JFreeChart draws rotated text (the y axis title) as glyph outlines by default, a work-around for JDKs of
        // long ago; as text it stays text in the SVG (searchable, selectable) and renders the same in the PNG
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Plots() {}

    /** The points of a series that a log-log plot can show: x > 0 and y > 0, finite. */
    static Series positive(Series s) {
        int[] keep = java.util.stream.IntStream.range(0, s.x().length)
                .filter(i -> s.x()[i] > 0 && s.y()[i] > 0 && Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])).toArray();
        if (keep.length == s.x().length) {
            return s;
        }
        double[] x = java.util.Arrays.stream(keep).mapToDouble(i -> s.x()[i]).toArray();
        double[] y = java.util.Arrays.stream(keep).mapToDouble(i -> s.y()[i]).toArray();
        double[] e = s.errors() == null ? null : java.util.Arrays.stream(keep).mapToDouble(i -> s.errors()[i]).toArray();
        return new Series(s.name(), x, y, e, s.line(), s.color());
    }

    /** Writes base.png and base.svg; returns the PNG's bytes. */
    public static byte[] logLog(Path base, String title, String xLabel, String yLabel, List<Series> series)
            throws IOException {
        JFreeChart chart = chart(title, xLabel, yLabel, series);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        write(dir.resolve(base.getFileName() + ".svg"), svg(chart).getBytes(StandardCharsets.UTF_8));
        write(dir.resolve(base.getFileName() + ".png"), png.toByteArray());
        return png.toByteArray();
    }

    /** The chart as an SVG document (text stays text, so the tick labels can be searched and selected). */
    static String svg(JFreeChart chart) {
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g2.getSVGDocument();
    }

    static JFreeChart chart(String title, String xLabel, String yLabel, List<Series> series) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setCapLength(0);  // bars without caps: a series without errors draws nothing at all, not a stub
        r.setErrorStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        r.setDrawSeriesLineAsPath(true);  // a dashed line keeps its rhythm across the many short segments of a curve
        Bounds xb = new Bounds();
        Bounds yb = new Bounds();
        Set<String> named = new HashSet<>();
        for (Series d0 : series) {
            Series d = positive(d0);
            if (d.x().length == 0) {
                continue;  // nothing a log-log plot can show (an error rate of 0, say)
            }
            int i = data.getSeriesCount();
            YIntervalSeries s = new YIntervalSeries(new Key(i, d.name()));
            for (int j = 0; j < d.x().length; j++) {
                double y = d.y()[j];
                // a log axis cannot show a bar reaching zero: clip the lower end at 1% of the value
                double e = d.errors() == null || !Double.isFinite(d.errors()[j]) ? 0 : Math.abs(d.errors()[j]);
                double low = y - Math.min(e, 0.99 * y);
                s.add(d.x()[j], y, low, y + e);
                xb.add(d.x()[j]);
                yb.add(low);
                yb.add(y + e);
            }
            data.addSeries(s);
            Color c = PALETTE[Math.floorMod(d.color(), PALETTE.length)];
            r.setSeriesPaint(i, c);
            r.setSeriesLinesVisible(i, true);
            r.setSeriesShapesVisible(i, !d.line());
            r.setSeriesShape(i, MARKER);
            r.setSeriesShapesFilled(i, true);
            r.setSeriesStroke(i, !d.line() ? THIN : d.dotted() ? DOTTED : DASHED);
            r.setSeriesVisibleInLegend(i, named.add(d.name()));  // "N_A = n" once, however many nets share it
        }
        XYPlot plot = new XYPlot(data, axis(xLabel, xb), axis(yLabel, yb), r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(new Color(0x999999));
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(0.8f));
        plot.setRangeGridlineStroke(new BasicStroke(0.8f));
        plot.setDomainMinorGridlinesVisible(false);
        plot.setRangeMinorGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 10));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setItemFont(LEGEND);
        legend.setItemPaint(INK);
        legend.setFrame(BlockBorder.NONE);
        legend.setMargin(new RectangleInsets(0, 10, 0, 0));
        return chart;
    }

    private static final Shape MARKER = new Ellipse2D.Double(-3.5, -3.5, 7, 7);
    private static final Stroke THIN = new BasicStroke(1.0f);
    private static final Stroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {7f, 5f}, 0f);
    private static final Stroke DOTTED = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {0.1f, 4f}, 0f);

    private static LogAxis axis(String label, Bounds b) {
        DecadeAxis axis = new DecadeAxis(label);
        double[] range = b.empty() ? new double[] {1, 10} : LogTicks.range(b.lo, b.hi);
        axis.setAutoRange(false);
        axis.setRange(range[0], range[1]);
        axis.setLabelFont(AXIS_TITLE);
        axis.setLabelPaint(INK);
        axis.setTickLabelFont(TICK_LABEL);
        axis.setTickLabelPaint(INK);
        axis.setTickMarkPaint(new Color(0x666666));
        axis.setTickMarkOutsideLength(5f);
        axis.setMinorTickMarksVisible(true);
        axis.setMinorTickMarkOutsideLength(2.5f);
        axis.setAxisLineVisible(false);  // the plot's outline is the axis line
        return axis;
    }

    /** A series key unique within a chart even when two series share a name; the legend shows the name. */
    private record Key(int index, String name) implements Comparable<Key> {
        @Override public int compareTo(Key o) { return Integer.compare(index, o.index); }
        @Override public String toString() { return name; }
    }

    private static final class Bounds {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;

        void add(double v) {
            if (v > 0 && Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }

        boolean empty() { return lo > hi; }
    }

    /** A log axis whose ticks and labels come from {@link LogTicks} instead of LogAxis's own tick-unit search. */
    static final class DecadeAxis extends LogAxis {
        private static final long serialVersionUID = 1L;

        DecadeAxis(String label) { super(label); }

        @Override
        public List<ValueTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            // RectangleEdge is a class of constants, not an enum
            TextAnchor anchor = edge == RectangleEdge.BOTTOM ? TextAnchor.TOP_CENTER
                    : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER
                    : edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT;
            List<ValueTick> ticks = new ArrayList<>();
            for (LogTicks.Tick t : LogTicks.ticks(getLowerBound(), getUpperBound())) {
                ticks.add(new NumberTick(t.major() ? TickType.MAJOR : TickType.MINOR, t.value(), t.label(), anchor,
                        anchor, 0));
            }
            return ticks;
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong PARTS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Writes the whole file or none of it: a sibling written first, then renamed over it. The sibling is made by
     * an ordinary create (not createTempFile's owner-only mode), so the plot gets the permissions the umask gives;
     * a symbolic link is followed, so the file it points to is replaced and the link stays.
     */
    private static void write(Path file, byte[] bytes) throws IOException {
        Path target = Files.isSymbolicLink(file) && Files.exists(file) ? file.toRealPath() : file;
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + PARTS.incrementAndGet() + ".part");
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
