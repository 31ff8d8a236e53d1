package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.aws.AwsClients;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A port taken between its probe and the emulator's bind (CI lost a run to it: ElasticMQ could not
 * listen) costs a fresh start on new ports, not the start.
 */
class LocalAwsPortTakenTest {
    private static final LocalAwsOptions OPTIONS = LocalAwsOptions.defaults(LocalAws.defaultEmulatorsDir());

    @Test
    void aPortTakenMeanwhileIsReplacedByAFreshStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(EmulatorProcess.freePort(), 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger calls = new AtomicInteger();
            // the first port handed out (ElasticMQ's) is the taken one; then free ones
            try (LocalAws aws = LocalAws.start(OPTIONS, () -> calls.getAndIncrement() == 0
                    ? taken.getLocalPort() : EmulatorProcess.freePort())) {
                int sqsPort = aws.endpoints().sqs().getPort();
                assertNotEquals(taken.getLocalPort(), sqsPort);
                assertEquals(6, calls.get(), "two starts of three emulators");
                try (AwsClients clients = new AwsClients(aws.endpoints().awsSettings())) {
                    clients.sqs().getQueueAttributes(b -> b.queueUrl(aws.endpoints().requestQueueUrl())); // it answers
                }
            }
        }
    }

    @Test
    void aPortTakenEveryTimeFailsTheStartAndLeavesNothingRunning() throws Exception {
        Set<Long> before = childPids();
        try (ServerSocket taken = new ServerSocket(EmulatorProcess.freePort(), 50, InetAddress.getLoopbackAddress())) {
            PortTakenException e = assertThrows(PortTakenException.class,
                    () -> LocalAws.start(OPTIONS, taken::getLocalPort));
            assertTrue(e.getMessage().contains("could not listen on port " + taken.getLocalPort()), e.getMessage());
        }
        assertEquals(before, childPids());
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
