package dev.drover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.core.codec.Json;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A follow through several replicas resumes on the next one when its stream breaks, however long
 * that stream ran: the patience counts from the last result received, not from the start of the
 * follow. (Found by the rolling-restart chaos scenario: a replica stopped with SIGTERM a minute into
 * a follow made {@code drover submit --wait} exit with "drover: closed" after 21 of 60 results.)
 */
class FollowResumeTest {
    @Test
    void aStreamThatBreaksAfterLongerThanThePatienceResumesOnTheNextReplica() throws Exception {
        // A streams results 0..4, one every 400 ms (2 s in all, twice the patience), then breaks mid-body
        try (Replica a = new Replica(LongStream.range(0, 5), 400, true);
             Replica b = new Replica(LongStream.range(0, 10), 0, false)) {
            SchedulerClient client = new SchedulerClient(a.address() + "," + b.address(), "token");
            List<Long> got = new ArrayList<>();
            client.followResults("J", 10, r -> got.add(r.seq()), Duration.ofSeconds(1));
            assertEquals(LongStream.range(0, 10).boxed().toList(), got, "every result once, in order, the rest from B");
        }
    }

    /** One replica's results route on a raw socket, so that a stream can break as a dying process's does. */
    private static final class Replica implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());

        Replica(LongStream seqs, long gapMillis, boolean breaks) throws IOException {
            List<Long> all = seqs.boxed().toList();
            Thread t = new Thread(() -> serve(all, gapMillis, breaks), "follow-resume-test-replica");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        private void serve(List<Long> seqs, long gapMillis, boolean breaks) {
            try (Socket s = server.accept()) {
                s.getInputStream().read(new byte[8192]); // the request; its content does not matter here
                OutputStream out = s.getOutputStream();
                StringBuilder body = new StringBuilder();
                for (long seq : seqs) {
                    body.append(Json.write(result(seq))).append('\n');
                }
                // a length longer than what is sent when it breaks: the client reads the end as an error
                int length = body.toString().getBytes(StandardCharsets.UTF_8).length + (breaks ? 1000 : 0);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + length + "\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                for (long seq : seqs) {
                    out.write((Json.write(result(seq)) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(gapMillis);
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        private static TaskResult result(long seq) {
            return new TaskResult("J", seq, (int) seq, "true", TaskStatus.SUCCEEDED, 0, "", "", false, false, "w", 1, 2, 3, 1,
                    null, 0, List.of());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
