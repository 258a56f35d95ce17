package org.sparsefeat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.cuda.CudaBackend;
import org.sparsefeat.util.Bytes;
import org.sparsefeat.util.MachineMemory;

/** --memory, --threads, --device-memory and --scratch are checked before any work, as every other option is. */
class ResourceOptionsCliTest {
    @TempDir
    Path dir;

    private static String[] krr(String... more) {
        List<String> a = new ArrayList<>(List.of("krr", "--d", "3", "--n", "20", "--n-test", "10"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** A usage error in one line, before the memory plan and any result. */
    private static void assertRefusedUpFront(String expected, CliRunner.Run r) {
        assertEquals(2, r.code(), r.err());
        assertEquals(expected, r.err().strip());
        assertEquals("", r.out(), "nothing was computed");
    }

    @Test
    void aMemoryBudgetBeyondTheMachinesMemoryIsRefused() {
        assumeTrue(MachineMemory.physical().isPresent(), "the machine's memory cannot be read here");
        long physical = MachineMemory.physical().getAsLong();
        String tooMuch = (physical / (1L << 30) + 2) + "g";  // just above what the machine has
        for (String command : new String[] {"krr", "sweep"}) {
            String[] args = command.equals("krr") ? krr("--memory", tooMuch)
                    : new String[] {"sweep", "--preset", "demo", "--scale", "small", "--out", dir.resolve("s").toString(),
                            "--memory", tooMuch};
            CliRunner.Run r = CliRunner.run(args);
            assertRefusedUpFront("sparsefeat " + command + ": --memory " + tooMuch + " (" + Bytes.format(Bytes.parse(
                    tooMuch, "--memory")) + ") is more than this machine's memory, " + Bytes.format(physical)
                    + "; expected at most that (README, 'Memory')", r);
        }
        assertFalse(Files.exists(dir.resolve("s")), "no sweep directory made");
        CliRunner.Run ok = CliRunner.run(krr("--memory", "64m", "--threads", "1"));
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void moreThreadsThanProcessorsAreRefused() {
        int processors = Runtime.getRuntime().availableProcessors();
        String expected = "--threads " + (processors + 1) + " is not between 1 and the " + processors + " processor"
                + (processors == 1 ? "" : "s") + " this process may use";
        assertRefusedUpFront("sparsefeat krr: " + expected, CliRunner.run(krr("--threads", "" + (processors + 1))));
        assertRefusedUpFront("sparsefeat gram: " + expected, CliRunner.run("gram", "--x", dir.resolve("X.npy").toString(),
                "--out", dir.resolve("G.npy").toString(), "--threads", "" + (processors + 1)));
        assertRefusedUpFront("sparsefeat train: --threads 0 is not between 1 and the " + processors + " processor"
                + (processors == 1 ? "" : "s") + " this process may use", CliRunner.run("train", "--threads", "0"));
        CliRunner.Run all = CliRunner.run(krr("--threads", "" + processors));
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains(processors + " thread"), all.out());
    }

    @Test
    void deviceMemoryWithoutAGpuIsRefusedOrSaidNeverIgnoredSilently() {
        assertRefusedUpFront("sparsefeat krr: --device-memory 1g applies to a GPU (--backend cuda or auto); --backend cpu"
                + " has no device memory", CliRunner.run(krr("--device-memory", "1g", "--backend", "cpu")));
        assumeFalse(CudaBackend.available(), "a GPU here: --backend auto uses it");
        CliRunner.Run auto = CliRunner.run(krr("--device-memory", "1g", "--threads", "1"));
        assertEquals(0, auto.code(), auto.err());
        assertTrue(auto.err().startsWith("krr: --device-memory 1g is not used: cpu ("), auto.err());
        assertTrue(auto.err().contains(") does not factor on a GPU\n"), auto.err());
    }

    /** On a GPU, a device budget beyond its free memory is refused up front, as --memory beyond the machine's is. */
    @Test
    void aDeviceBudgetBeyondTheDevicesFreeMemoryIsRefused() {
        org.sparsefeat.util.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.sparsefeat.util.InvalidInputException.class, () -> MachineMemory.requireDeviceBudget(
                        Bytes.parse("100g", "--device-memory"), "100g", 80L << 30, "NVIDIA H100", "--device-memory"));
        assertEquals("--device-memory 100g (100 GiB) is more than the free memory of NVIDIA H100, 80.0 GiB; expected at"
                + " most that (README, 'Memory')", e.getMessage());
        MachineMemory.requireDeviceBudget(80L << 30, "80g", 80L << 30, "NVIDIA H100", "--device-memory");  // all of it
        MachineMemory.requireDeviceBudget(1L << 40, "1t", -1, "a device", "--device-memory");  // free unknown
    }

    @Test
    void krrRefusesADeviceBudgetBeyondTheGpusFreeMemory() {
        assumeTrue(CudaBackend.available(), "no GPU here: the command's own refusal is checked where there is one");
        CliRunner.Run r = CliRunner.run(krr("--backend", "cuda", "--device-memory", "100t"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("sparsefeat krr: --device-memory 100t (100 TiB) is more than the free memory of "),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("memory plan"), r.err());
    }

    @Test
    void aScratchThatCannotHoldFilesFailsUpFrontNamingItOnce() throws Exception {
        Files.writeString(dir.resolve("plain"), "");
        String plain = dir.resolve("plain").toString();
        assertRefusedUpFront("sparsefeat krr: --scratch " + plain + " exists and is not a directory",
                CliRunner.run(krr("--scratch", plain)));
        assertRefusedUpFront("sparsefeat sweep: --scratch " + plain + " exists and is not a directory", CliRunner.run(
                "sweep", "--preset", "demo", "--scale", "small", "--out", dir.resolve("s").toString(), "--scratch", plain));
        assertFalse(Files.exists(dir.resolve("s")), "no sweep directory made");
        // a missing one is created, as mkdir -p would
        CliRunner.Run made = CliRunner.run(krr("--scratch", dir.resolve("a/b").toString(), "--threads", "1"));
        assertEquals(0, made.code(), made.err());
        assertTrue(Files.isDirectory(dir.resolve("a/b")));
        assumeTrue(Files.isDirectory(Path.of("/proc")));  // a file system that takes no new files
        CliRunner.Run proc = CliRunner.run(krr("--scratch", "/proc"));
        assertEquals(2, proc.code(), proc.err());
        assertTrue(proc.err().startsWith("sparsefeat krr: --scratch /proc: cannot create a file in it ("), proc.err());
        assertEquals(1, proc.err().split("/proc", -1).length - 1, "the path once: " + proc.err());
        assertFalse(proc.err().contains("memory plan") || proc.err().contains("--memory"), proc.err());
    }
}
