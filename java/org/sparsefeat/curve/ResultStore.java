package org.sparsefeat.curve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparsefeat.util.InvalidInputException;

/**
 * A sweep's results: one JSON object per line in DIR/results.jsonl, appended whole (one write, then fsync)
 * as each point finishes. A sweep killed in the middle can leave at most one partial last line; it is cut
 * off before the next append, and on reading, so nothing that finished is lost and nothing is counted twice.
 */
public final class ResultStore {
    public static final String RESULTS = "results.jsonl";
    public static final String SPEC = "spec.yaml";
    public static final String ENVIRONMENT = "environment.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public ResultStore(Path dir) { this.dir = dir; }

    public Path dir() { return dir; }

    public Path results() { return dir.resolve(RESULTS); }

    /** Finished points by key; the last record of a key wins (there is one unless files were merged by hand). */
    public Map<String, JsonNode> load() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Path f = results();
        if (!Files.exists(f)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            boolean complete = Files.size(f) == 0 || endsWithNewline(f);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty() || (i == lines.size() - 1 && !complete)) {
                    continue;  // a partial last line: the append of a killed sweep
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new InvalidInputException(f + ": line " + (i + 1) + " is not a JSON record");
                }
                if (node == null || !node.has("key")) {
                    throw new InvalidInputException(f + ": line " + (i + 1) + " has no 'key'");
                }
                out.put(node.get("key").asText(), node);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Appends whole lines; first cuts a partial last line left by a killed run. */
    public synchronized void append(List<Map<String, Object>> records) {
        if (records.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            StringBuilder b = new StringBuilder();
            for (Map<String, Object> r : records) {
                b.append(JSON.writeValueAsString(r)).append('\n');
            }
            try (FileChannel ch = FileChannel.open(results(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                long size = ch.size();
                long keep = lastNewlineEnd(ch, size);
                if (keep < size) {
                    ch.truncate(keep);
                }
                ch.position(keep);
                ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + results() + ": " + e.getMessage(), e);
        }
    }

    private static boolean endsWithNewline(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            return lastNewlineEnd(ch, ch.size()) == ch.size();
        }
    }

    /** The length of the file up to and including its last newline (0 if none). */
    private static long lastNewlineEnd(FileChannel ch, long size) throws IOException {
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(4096);
        while (pos > 0) {
            long start = Math.max(0, pos - one.capacity());
            one.clear();
            one.limit((int) (pos - start));
            ch.read(one, start);
            for (int i = (int) (pos - start) - 1; i >= 0; i--) {
                if (one.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            pos = start;
        }
        return 0;
    }
}
