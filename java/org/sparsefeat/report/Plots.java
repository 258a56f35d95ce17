package org.sparsefeat.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Log-log line charts written as PNG and SVG (XChart). */
public final class Plots {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    /**
     * One curve.
     *
     * @param errors error bars (null for none)
     * @param line   drawn as a dashed line without markers (fits), else markers joined by a thin line
     * @param color  index into the palette, so a curve and its fit share a color
     */
    public record Series(String name, double[] x, double[] y, double[] errors, boolean line, int color) {}

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
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        Styler s = chart.getStyler();
        var st = chart.getStyler();
        st.setXAxisLogarithmic(true);
        st.setYAxisLogarithmic(true);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendLayout(Styler.LegendLayout.Vertical);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(0xdddddd));
        st.setMarkerSize(7);
        st.setErrorBarsColorSeriesColor(true);
        s.setChartTitleFont(s.getChartTitleFont().deriveFont(15f));
        for (Series d0 : series) {
            Series d = positive(d0);
            if (d.x().length == 0) {
                continue;  // nothing a log-log plot can show (an error rate of 0, say)
            }
            double[] y = d.y().clone();
            double[] err = d.errors() == null ? null : d.errors().clone();
            if (err != null) {  // a log axis cannot show a bar reaching zero: clip it at 1% of the value
                for (int i = 0; i < y.length; i++) {
                    err[i] = Double.isFinite(err[i]) ? Math.min(err[i], 0.99 * y[i]) : 0;
                }
            }
            XYSeries xy = err == null ? chart.addSeries(d.name(), d.x(), y) : chart.addSeries(d.name(), d.x(), y, err);
            Color c = PALETTE[Math.floorMod(d.color(), PALETTE.length)];
            xy.setLineColor(c);
            xy.setMarkerColor(c);
            if (d.line()) {
                xy.setMarker(SeriesMarkers.NONE);
                xy.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {7f, 5f}, 0f));
            } else {
                xy.setMarker(SeriesMarkers.CIRCLE);
                xy.setLineStyle(new BasicStroke(1.0f));
            }
        }
        Files.createDirectories(base.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return Files.readAllBytes(Path.of(base + ".png"));
    }
}
