package org.sparsefeat.images;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A PNG of a few images beside their deformed and their noisy versions, to check the deformations by eye. */
public final class ImageGrid {
    private ImageGrid() {}

    /** Rows: images; columns: original, deformed, noisy. Pixels in [0, 1] (values outside are clipped). */
    public static void write(Path file, ImageSet images, int count, double delta, double cutoff, long seed)
            throws IOException {
        int k = Math.min(count, images.size());
        ImageSet few = images.select(java.util.stream.IntStream.range(0, k).toArray());
        ImageStability.Perturbed p = ImageStability.perturb(few, delta, cutoff, seed);
        int n = images.height(), zoom = Math.max(2, 128 / n), cell = n * zoom, pad = 8, top = 24;
        BufferedImage out = new BufferedImage(3 * (cell + pad) + pad, top + k * (cell + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = out.createGraphics();
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, out.getWidth(), out.getHeight());
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setColor(Color.DARK_GRAY);
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        String[] titles = {"original", String.format("diffeo, delta %.1f", delta), "noise"};
        for (int c = 0; c < 3; c++) {
            gr.drawString(titles[c], pad + c * (cell + pad), 16);
        }
        double[][] columns = {few.pixels().data(), p.deformed().data(), p.noisy().data()};
        int dim = images.dimension(), planes = images.channels();
        for (int i = 0; i < k; i++) {
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < n; r++) {
                    for (int s = 0; s < n; s++) {
                        int rgb = 0;
                        for (int ch = 0; ch < 3; ch++) {
                            double v = columns[c][i * dim + Math.min(ch, planes - 1) * n * n + r * n + s];
                            rgb = rgb << 8 | (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                        }
                        gr.setColor(new Color(rgb));
                        gr.fillRect(pad + c * (cell + pad) + s * zoom, top + i * (cell + pad) + r * zoom, zoom, zoom);
                    }
                }
            }
        }
        gr.dispose();
        org.sparsefeat.util.OutputFile.writeStream(file, stream -> ImageIO.write(out, "png", stream));
    }
}
