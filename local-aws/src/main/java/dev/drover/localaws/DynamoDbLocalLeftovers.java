package dev.drover.localaws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where dynoxide keeps its tables in a data directory, and what to say about the tables that
 * DynamoDB Local, the emulator of earlier Drover builds, left in the same folder: dynoxide
 * cannot read them, so their loss must not go unsaid.
 */
final class DynamoDbLocalLeftovers {
    private static final String FOLDER = "dynamodb";
    private static final String DATABASE = "dynoxide.sqlite";
    /** DynamoDB Local named its files shared-local-instance.db (-sharedDb) or KEY_REGION.db. */
    private static final String DYNAMODB_LOCAL_SUFFIX = ".db";

    private DynamoDbLocalLeftovers() {
    }

    /** dynoxide's database file under {@code dataDir}, its folder created. */
    static Path database(Path dataDir) {
        try {
            return Files.createDirectories(dataDir.resolve(FOLDER)).resolve(DATABASE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was kept and what was not, if {@code dataDir} holds DynamoDB Local's files. */
    static Optional<String> notice(Path dataDir) {
        Path folder = dataDir.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(folder)) {
            leftovers = files.filter(f -> f.getFileName().toString().endsWith(DYNAMODB_LOCAL_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (leftovers.isEmpty()) {
            return Optional.empty();
        }
        String files = leftovers.size() == 1 ? leftovers.get(0) + " holds" : leftovers + " hold";
        return Optional.of(files + " the tables of DynamoDB Local, the DynamoDB emulator of earlier Drover builds,"
                + " which dynoxide, the one now, cannot read. Not kept: the job records and task claims in"
                + " them; jobs recorded there are unknown to this Drover. Kept: queues and messages ("
                + dataDir.resolve("sqs") + "), stored objects (" + dataDir.resolve("s3") + "), and those files,"
                + " untouched; delete them once you no longer need them. New tables go to "
                + folder.resolve(DATABASE) + ".");
    }
}
