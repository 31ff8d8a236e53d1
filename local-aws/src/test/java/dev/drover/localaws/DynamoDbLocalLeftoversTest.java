package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory from the DynamoDB Local days says what of it carries over. */
class DynamoDbLocalLeftoversTest {

    @Test
    void dynamoDbLocalsFilesGetANoticeOfWhatWasKeptAndWhatWasNot(@TempDir Path data) throws Exception {
        Path old = Files.createDirectories(data.resolve("dynamodb")).resolve("shared-local-instance.db");
        Files.writeString(old, "SQLite format 3");

        String notice = DynamoDbLocalLeftovers.notice(data).orElseThrow();

        assertTrue(notice.startsWith(old + " holds the tables of DynamoDB Local"), notice);
        assertTrue(notice.contains("Not kept: the job records and task claims"), notice);
        assertTrue(notice.contains("Kept: queues and messages (" + data.resolve("sqs") + ")"), notice);
        assertTrue(notice.contains(DynamoDbLocalLeftovers.database(data).toString()), notice);
        assertTrue(Files.exists(old), "the old file is left as it was");
    }

    @Test
    void aFreshOrDynoxideDataDirectoryGetsNoNotice(@TempDir Path data) throws Exception {
        assertEquals(Optional.empty(), DynamoDbLocalLeftovers.notice(data));
        Files.writeString(DynamoDbLocalLeftovers.database(data), "SQLite format 3");
        assertEquals(Optional.empty(), DynamoDbLocalLeftovers.notice(data));
    }
}
