package org.sparsefeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Help texts, reports, comments and the README cite the method's description in docs/ by section title
 * ("docs/method.md, 'Stability'") or by link (docs/method.md#stability): every such citation names a section that
 * exists, and nothing user-facing cites a document the repository does not hold.
 */
class DocsCitationsTest {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

    private static List<Path> sources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("java", "native", "cuda", "tests")) {
            try (Stream<Path> s = Files.walk(BASEDIR.resolve(dir))) {
                s.filter(p -> p.toString().matches(".*\\.(java|c|h|cu)$"))
                        .filter(p -> !p.endsWith("DocsCitationsTest.java"))  // its own patterns
                        .forEach(out::add);
            }
        }
        out.add(BASEDIR.resolve("README.md"));
        out.add(BASEDIR.resolve("BENCHMARKS.md"));
        try (Stream<Path> s = Files.list(BASEDIR.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).forEach(out::add);
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> headings(String doc) {
        List<String> out = new ArrayList<>();
        Matcher m = HEADING.matcher(read(BASEDIR.resolve("docs").resolve(doc)));
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    @Test
    void anchorsFollowGitHub() {
        assertEquals("the-papers-figures", anchor("The paper's figures"));
        assertEquals("one-step", anchor("One step"));
    }

    /** "README, 'Title'" in code, help texts and docs names a heading of the README. */
    @Test
    void readmeCitationsNameExistingSections() throws IOException {
        List<String> titles = new ArrayList<>();
        Matcher h = HEADING.matcher(read(BASEDIR.resolve("README.md")));
        while (h.find()) {
            titles.add(h.group(1).trim().replace("`", ""));
        }
        Pattern cite = Pattern.compile("README(?:\\.md)?, '([^']+)'");
        List<String> bad = new ArrayList<>();
        int count = 0;
        for (Path p : sources()) {
            Matcher m = cite.matcher(read(p));
            while (m.find()) {
                count++;
                if (!titles.contains(m.group(1))) {
                    bad.add(BASEDIR.relativize(p) + ": README, '" + m.group(1) + "'");
                }
            }
        }
        assertTrue(count >= 3, "the README is cited by title: " + count);
        assertTrue(bad.isEmpty(), "citations of README sections that do not exist: " + bad);
    }

    /** "docs/method.md, 'Title'" (in comments possibly broken over lines) names a heading of that page. */
    @Test
    void citationsByTitleNameExistingSections() throws IOException {
        Pattern cite = Pattern.compile("docs/(method|theory)\\.md, (['\"])");
        List<String> bad = new ArrayList<>();
        int count = 0;
        for (Path p : sources()) {
            // join comment lines, so that a title broken over two lines reads as one
            String text = read(p).replaceAll("\\s*\\n\\s*(\\*(?!/)|//|#)?\\s*", " ");
            Matcher m = cite.matcher(text);
            while (m.find()) {
                count++;
                String rest = text.substring(m.end());
                String quote = m.group(2);
                if (headings(m.group(1) + ".md").stream().noneMatch(h -> rest.startsWith(h + quote))) {
                    bad.add(BASEDIR.relativize(p) + ": " + text.substring(m.start(), Math.min(text.length(), m.end() + 40)));
                }
            }
        }
        assertTrue(count >= 20, "expected the code to cite docs/method.md, found " + count + " citations");
        assertTrue(bad.isEmpty(), "citations of sections that do not exist:\n" + String.join("\n", bad));
    }

    /** Markdown links to docs/x.md#anchor and in-page #anchor links point at headings that exist. */
    @Test
    void linksPointAtExistingAnchors() throws IOException {
        Pattern link = Pattern.compile("\\]\\((?:docs/)?((?:method|theory)\\.md)?#([a-z0-9_-]+)\\)");
        List<String> bad = new ArrayList<>();
        for (Path p : sources()) {
            if (!p.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = link.matcher(read(p));
            while (m.find()) {
                String doc = m.group(1) != null ? m.group(1) : p.getFileName().toString();
                if (!doc.equals("method.md") && !doc.equals("theory.md")) {
                    continue;  // in-page links of README.md and BENCHMARKS.md are not checked here
                }
                Set<String> anchors = headings(doc).stream().map(DocsCitationsTest::anchor).collect(Collectors.toSet());
                if (!anchors.contains(m.group(2))) {
                    bad.add(BASEDIR.relativize(p) + ": " + m.group());
                }
            }
        }
        assertTrue(bad.isEmpty(), "links to anchors that do not exist:\n" + String.join("\n", bad));
    }

    /** The method's contract lives outside the repository; nothing here may send a reader to it. */
    @Test
    void nothingCitesTheExternalSpec() throws IOException {
        Pattern spec = Pattern.compile("\\bspec (section )?\\d|spec's section|paper\\.md|\\bspec \\d+\\.\\d+",
                Pattern.CASE_INSENSITIVE);
        List<String> bad = new ArrayList<>();
        for (Path p : sources()) {
            Matcher m = spec.matcher(read(p));
            while (m.find()) {
                bad.add(BASEDIR.relativize(p) + ": " + m.group());
            }
        }
        assertTrue(bad.isEmpty(), "citations of a document the repository does not hold:\n" + String.join("\n", bad));
    }
}
