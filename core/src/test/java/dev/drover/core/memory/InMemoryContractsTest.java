package dev.drover.core.memory;

import dev.drover.core.contract.ClaimStoreContract;
import dev.drover.core.contract.JobStoreContract;
import dev.drover.core.contract.MessageQueueContract;
import dev.drover.core.contract.PayloadStoreContract;
import dev.drover.core.contract.ReplicaStoreContract;
import dev.drover.core.contract.UserStoreContract;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.port.ReplicaStore;
import dev.drover.core.port.User;
import dev.drover.core.port.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.drover.core.queue.CompressingMessageQueue;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

class InMemoryContractsTest {
    @Nested
    class Queue extends MessageQueueContract {
        @Override
        protected MessageQueue newQueue() {
            return new InMemoryMessageQueue(Clock.systemUTC());
        }
    }

    /** The production stack (compression, then offloading) over an in-memory queue with SQS's size limit. */
    @Nested
    class CloudStackQueue extends MessageQueueContract {
        @Override
        protected MessageQueue newQueue() {
            return CompressingMessageQueue.overCloudQueue(new InMemoryMessageQueue(Clock.systemUTC()),
                    new InMemoryPayloadStore());
        }
    }

    @Nested
    class Claims extends ClaimStoreContract {
        private final ClaimStore store = new InMemoryClaimStore();

        @Override
        protected ClaimStore store() {
            return store;
        }
    }

    @Nested
    class Jobs extends JobStoreContract {
        private final JobStore store = new InMemoryJobStore();

        @Override
        protected JobStore store() {
            return store;
        }
    }

    /** The replica store over the job store it shares with the replicas, which keeps the jobs' owners. */
    @Nested
    class Replicas extends ReplicaStoreContract {
        private final InMemoryJobStore jobs = new InMemoryJobStore();
        private final ReplicaStore replicas = new InMemoryReplicaStore(jobs);

        @Override
        protected ReplicaStore replicas() {
            return replicas;
        }

        @Override
        protected JobStore jobs() {
            return jobs;
        }
    }

    @Nested
    class Payloads extends PayloadStoreContract {
        private final PayloadStore store = new InMemoryPayloadStore();

        @Override
        protected PayloadStore store() {
            return store;
        }
    }

    /** The same store with a spool directory: large objects live on disk, and go with their key. */
    @Nested
    class SpooledPayloads extends PayloadStoreContract {
        @TempDir
        Path spool;
        private PayloadStore store;

        @Override
        protected PayloadStore store() {
            if (store == null) {
                store = new InMemoryPayloadStore(Clock.systemUTC(), java.util.Optional.of(spool));
            }
            return store;
        }

        @Test
        void aLargeObjectIsSpooledToDiskAndDeletedWithItsKey() throws Exception {
            byte[] big = new byte[(int) InMemoryPayloadStore.SPOOL_THRESHOLD * 3];
            new java.util.Random(7).nextBytes(big);
            Path file = Files.write(spool.resolveSibling(spool.getFileName() + "-big.bin"), big);
            store().putFile("files/big", file);
            try (var spooled = Files.list(spool)) {
                assertEquals(1, spooled.count(), "the object is a file in the spool");
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(big, store().open("files/big").readAllBytes());
            assertEquals(big.length, store().list("files/").get(0).bytes());
            store().putFile("files/big", file);
            store().touch("files/big");
            try (var spooled = Files.list(spool)) {
                assertEquals(1, spooled.count(), "a replaced object's old file is gone");
            }
            store().delete("files/big");
            try (var spooled = Files.list(spool)) {
                assertEquals(0, spooled.count());
            }
            Files.delete(file);
        }
    }

    @Nested
    class Users extends UserStoreContract {
        private final UserStore store = new InMemoryUserStore();

        @Override
        protected UserStore store() {
            return store;
        }
    }

    /** The same contract on the file adapter, each call on a store freshly read from the file. */
    @Nested
    class UsersInAFile extends UserStoreContract {
        @TempDir
        Path dir;

        @Override
        protected UserStore store() {
            return new InMemoryUserStore(dir.resolve("users.json"));
        }

        @Test
        void theFileIsPrivateAndHoldsNoToken() throws Exception {
            Path file = dir.resolve("users.json");
            new InMemoryUserStore(file).add(new User("ann", true, 1), "ab".repeat(32));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(false, Files.exists(dir.resolve("users.json.tmp")));
            assertEquals("ann", new InMemoryUserStore(file).byTokenHash("ab".repeat(32)).orElseThrow().name());
        }

        @Test
        void aUserWrittenBeforeWeightsExistedWeighsOne() throws Exception {
            Path file = Files.writeString(dir.resolve("users.json"),
                    "[{\"user\":{\"name\":\"old\",\"admin\":false,\"createdAt\":5},\"tokenHashes\":[\"" + "cd".repeat(32) + "\"]}]");
            assertEquals(1, new InMemoryUserStore(file).get("old").orElseThrow().weight());
        }
    }
}
