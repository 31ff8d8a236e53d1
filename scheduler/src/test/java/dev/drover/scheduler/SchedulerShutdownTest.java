package dev.drover.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.InfrastructureException;
import dev.drover.core.UsageMeter;
import dev.drover.core.memory.InMemoryClaimStore;
import dev.drover.core.memory.InMemoryJobStore;
import dev.drover.core.memory.InMemoryMessageQueue;
import dev.drover.core.memory.InMemoryPayloadStore;
import dev.drover.core.port.ClaimStore;
import dev.drover.core.port.JobStore;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.port.Message;
import dev.drover.core.port.PayloadStore;
import dev.drover.core.queue.ForwardingMessageQueue;
import dev.drover.scheduler.model.Backend;
import dev.drover.scheduler.model.SchedulerConfig;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scheduler stops within its bound even when every endpoint it works through has gone. */
class SchedulerShutdownTest {
    final Clock clock = Clock.systemUTC();
    final AtomicBoolean gone = new AtomicBoolean();

    @TempDir
    Path dir;

    /** Every call fails from {@link #gone} on, as when the AWS endpoints have vanished. */
    <T> T goneWhen(Class<T> port, T real) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (gone.get() && method.getDeclaringClass() != Object.class) {
                throw new InfrastructureException("AWS", null, null, InfrastructureException.Kind.TRANSIENT,
                        "Connection refused", null);
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** Its receives hang from {@link #gone} on, deaf to interrupts, as a socket read does. */
    MessageQueue hangingReceives(MessageQueue real) {
        return new ForwardingMessageQueue(real) {
            @Override
            public List<Message> receive(int max, Duration wait, Duration visibility) {
                if (gone.get()) {
                    long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    while (System.nanoTime() < end) {
                        LockSupport.parkNanos(end - System.nanoTime());
                    }
                }
                return super.receive(max, wait, visibility);
            }
        };
    }

    @Test
    void aSchedulerWhoseEndpointsAreGoneStopsWithinItsBound() throws Exception {
        Backend backend = new Backend(goneWhen(MessageQueue.class, new InMemoryMessageQueue(clock)),
                hangingReceives(new InMemoryMessageQueue(clock)), Optional.empty(),
                goneWhen(ClaimStore.class, new InMemoryClaimStore()), goneWhen(PayloadStore.class, new InMemoryPayloadStore()),
                Optional.of(goneWhen(JobStore.class, new InMemoryJobStore())), UsageMeter.NONE);
        Scheduler s = new Scheduler(SchedulerConfig.defaults(dir.resolve("data"), 4), backend, clock).start();
        String workload = IntStream.range(0, 2000).mapToObj(i -> "sleep 1").collect(Collectors.joining("\n"));
        s.submit(new ByteArrayInputStream(workload.getBytes(StandardCharsets.UTF_8)), "w.txt", "ann");
        gone.set(true);
        Thread.sleep(1_000); // every loop is in its retries, every collector in a hung receive
        long t0 = System.nanoTime();
        s.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(Scheduler.STOP_GRACE.plusSeconds(1)) <= 0, "stopped within its grace: " + took);
    }
}
