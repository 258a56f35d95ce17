package org.sparsefeat.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.theory.Eigenlearning;
import org.sparsefeat.theory.Harmonics;
import org.sparsefeat.theory.Spectrum;
import org.sparsefeat.util.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "theory", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = TheoryCommand.SpectrumCommand.class,
        description = {"The predicted learning curve of kernel ridge(less) regression on points uniform on S^{d-1}:"
                + " the kernel's Funk-Hecke spectrum, the target's power per degree and the eigenlearning equations"
                + " (docs/theory.md, 'Spectra and predicted curves'). Writes CSV: n, predicted_test_mse (the full"
                + " MSE), kappa.",
                "A prediction averages over training sets and targets; it is approximate at small n."})
final class TheoryCommand implements Callable<Integer> {
    @Mixin
    KernelOptions kernelOptions;

    // --d and --n are checked in call(): picocli would demand a parent's required options before a subcommand too
    @Option(names = "--d", paramLabel = "D", description = "Input dimension, 2 to 10000 (points on S^{d-1}); required.")
    Integer d;

    @Mixin
    TheoryTargetOptions targetOptions;

    @Option(names = "--ridge", defaultValue = "0", paramLabel = "L",
            description = "Ridge lambda >= 0 on K's diagonal, as krr's (default 0: ridgeless).")
    double ridge;

    @Option(names = "--n", paramLabel = "N,N,...",
            description = "Training-set sizes, required: a list (64,128,256), or a,b,...,c for the geometric progression of"
                    + " ratio b/a up to c (16,32,...,65536). One row per size, in the order written.")
    String n;

    @Option(names = "--kmax", paramLabel = "K",
            description = "Highest harmonic degree computed (default: enough for the largest n; beyond it the"
                    + " spectra continue as power laws).")
    Integer kmax;

    @Mixin
    CsvOutput csvOut;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        csvOut.check();
        Kernel kernel = kernelOptions.kernel();
        Target target = targetOptions.target();
        requireDimension(d);
        if (n == null) {
            throw new InvalidInputException("--n is required: the training-set sizes, e.g. --n 16,32,...,65536");
        }
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new InvalidInputException("--ridge must be a finite number >= 0, got " + ridge);
        }
        int[] ns = parseSizes(n);
        int k = kmax != null ? requireKmax(kmax) : Eigenlearning.kmaxFor(d, ns[ns.length - 1]);
        Eigenlearning theory = new Eigenlearning(Spectrum.ofKernel(kernel, d, k), Spectrum.ofTarget(target, d, k));
        PrintWriter err = spec.commandLine().getErr();
        StringBuilder csv = new StringBuilder("n,predicted_test_mse,kappa\n");
        List<Integer> fewModes = new ArrayList<>();
        List<Integer> unresolved = new ArrayList<>();
        for (int size : ns) {
            Eigenlearning.Prediction p = theory.predict(size, ridge);
            switch (p.outcome()) {
                case SOLVED -> csv.append(String.format(Locale.ROOT, "%d,%.10e,%.10e%n", size, p.testMse(), p.kappa()));
                case FEW_MODES -> fewModes.add(size);
                case UNRESOLVED -> unresolved.add(size);
            }
            if (!p.solved()) {
                csv.append(size).append(",,\n");  // no number rather than NaN
            }
        }
        if (!fewModes.isEmpty()) {
            err.println("sparsefeat theory: no prediction at n = " + fewModes + ": ridgeless regression with " + kernel
                    + " at d = " + d + " needs more modes than n, and " + (theory.infiniteModes()
                    ? "the equation for kappa found no root" : "its resolved spectrum has fewer (no power-law tail)")
                    + "; give --ridge > 0 (those rows have empty cells)");
        }
        if (!unresolved.isEmpty()) {
            err.println("sparsefeat theory: no prediction at n = " + unresolved + ": kappa falls to eigenvalues of "
                    + kernel + " at d = " + d + " that the quadrature does not resolve" + (kmax != null
                    ? " up to --kmax " + k + "; raise --kmax or give" : "; give") + " a larger --ridge (those rows have"
                    + " empty cells)");
        }
        emit(csv.toString());
        return 0;
    }

    private void emit(String csv) throws IOException { csvOut.emit(csv, spec.commandLine().getOut()); }

    /**
     * The largest d served. The quadrature, multiplicities and sums work at any d (checked against 50-digit
     * references up to d = 10000, docs/theory.md); the bound keeps the O(d) work per degree in seconds.
     */
    static final int MAX_DIMENSION = 10_000;

    static void requireDimension(Integer d) {
        if (d == null) {
            throw new InvalidInputException("--d is required: the input dimension (points on S^{d-1}), 2 to " + MAX_DIMENSION);
        }
        if (d < 2 || d > MAX_DIMENSION) {
            throw new InvalidInputException("--d must be between 2 and " + MAX_DIMENSION + " (points on S^{d-1}), got " + d);
        }
    }

    static int requireKmax(int kmax) {
        if (kmax < 0 || kmax > 100_000) {
            throw new InvalidInputException("--kmax must be between 0 and 100000, got " + kmax);
        }
        return kmax;
    }

    /**
     * "64,128" or "16,32,...,65536" (the geometric progression of ratio 32/16 up to 65536), in the order written and
     * with any repeats: row i of the CSV answers the i-th size asked for, so a script that pairs its list with the
     * rows stays aligned (a progression, a < b <= c, increases).
     */
    static int[] parseSizes(String text) {
        String[] parts = text.split(",");
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String s = parts[i].trim();
            if (s.equals("...")) {
                if (i < 2 || i != parts.length - 2 || parts[i - 1].trim().equals("...")) {
                    throw new InvalidInputException("--n '" + text + "': write a progression as a,b,...,c");
                }
                double a = size(parts[i - 2], text);
                double b = size(parts[i - 1], text);
                double c = size(parts[i + 1], text);
                if (!(b > a) || c < b) {
                    throw new InvalidInputException("--n '" + text + "': a,b,...,c needs a < b <= c");
                }
                // a and b are already in the list; v starts past b
                for (double v = b * b / a; Math.round(v) <= c; v *= b / a) {
                    out.add((int) Math.round(v));
                }
                break;  // c bounds the progression; it is a size only when the progression reaches it
            }
            out.add(size(s, text));
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("--n '" + text + "': give at least one training-set size");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One size, in the notations and with the messages of every whole-number option (Count). */
    private static int size(String s, String text) {
        int v;
        try {
            v = (int) Count.parse(s, Integer.MAX_VALUE);
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw new InvalidInputException("--n '" + text + "': " + e.getMessage());
        }
        if (v < 1) {
            throw new InvalidInputException("--n '" + text + "': '" + s.trim() + "' is not a whole number >= 1");
        }
        return v;
    }

    @Command(name = "spectrum", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The Funk-Hecke eigenvalues lambda_k of a kernel on S^{d-1} for k = 0..kmax, each of"
                    + " multiplicity N(d, k), and with --target the target's power per harmonic of degree k"
                    + " (docs/theory.md, 'Spectra and predicted curves'). Writes CSV: k, eigenvalue, multiplicity,"
                    + " eigenvalue_resolved[, target_power].",
                    "Coefficients not above 100 times their error bound (rounding, and the difference from a rule of"
                            + " twice the nodes) are not resolved (eigenvalue_resolved 0): they are the power-law"
                            + " continuation of the resolved ones, or 0."})
    static final class SpectrumCommand implements Callable<Integer> {
        @Mixin
        KernelOptions kernelOptions;

        @Option(names = "--d", paramLabel = "D", description = "Input dimension, 2 to 10000; required.")
        Integer d;

        @Option(names = "--kmax", defaultValue = "1000", paramLabel = "K",
                description = "Highest degree (default ${DEFAULT-VALUE}).")
        int kmax;

        @Mixin
        TheoryTargetOptions targetOptions;

        @Mixin
        CsvOutput csvOut;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            csvOut.check();
            Kernel kernel = kernelOptions.kernel();
            Target target = targetOptions.given() ? targetOptions.target() : null;  // target options alone: refused
            requireDimension(d);
            requireKmax(kmax);
            Spectrum s = Spectrum.ofKernel(kernel, d, kmax);
            Spectrum t = target == null ? null : Spectrum.ofTarget(target, d, kmax);
            StringBuilder csv = new StringBuilder("k,eigenvalue,multiplicity,eigenvalue_resolved"
                    + (t == null ? "" : ",target_power") + "\n");
            for (int k = 0; k <= kmax; k++) {
                csv.append(k).append(',').append(String.format(Locale.ROOT, "%.12e", s.value(k))).append(',')
                        .append(multiplicity(d, k)).append(',').append(s.resolved(k) ? 1 : 0);
                if (t != null) {
                    csv.append(',').append(String.format(Locale.ROOT, "%.12e", t.value(k)));
                }
                csv.append('\n');
            }
            csvOut.emit(csv.toString(), spec.commandLine().getOut());
            return 0;
        }

        /** N(d, k): whole below 1e15, else in e-notation, through its logarithm where a double overflows. */
        static String multiplicity(int d, int k) {
            double m = Harmonics.multiplicity(d, k);
            if (m < 1e15) {
                return String.format(Locale.ROOT, "%.0f", m);
            }
            if (Double.isFinite(m)) {
                return String.format(Locale.ROOT, "%.12e", m);
            }
            double log10 = Harmonics.logMultiplicity(d, k) / Math.log(10);
            double exponent = Math.floor(log10);
            return String.format(Locale.ROOT, "%.9fe+%d", Math.pow(10, log10 - exponent), (long) exponent);
        }
    }
}
