package dev.drover.localaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A native child under the shell watch ends when its parent's pipe closes, and passes SIGTERM on. */
class ShellParentWatchTest {
    /** Output to a sink, as an emulator's goes to its log: never a pipe that a stop closes under the shell. */
    static Process start(List<String> command) throws java.io.IOException {
        return new ProcessBuilder(ShellParentWatch.wrap(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static ProcessHandle child(Process wrapper) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            var sleep = wrapper.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                    .findFirst();
            if (sleep.isPresent()) {
                return sleep.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the wrapped command did not start");
    }

    @Test
    void theChildIsKilledWhenTheParentsPipeCloses() throws Exception {
        Process wrapper = start(List.of("/bin/sleep", "60"));
        ProcessHandle sleep = child(wrapper);
        Thread.sleep(200); // the watcher is reading
        assertTrue(sleep.isAlive(), "alive while the pipe is open");
        wrapper.getOutputStream().close(); // what the kernel does when this process dies, kill -9 included
        assertTrue(sleep.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join() != null, "killed at end of input");
        assertTrue(wrapper.waitFor(5, TimeUnit.SECONDS), "and the wrapper exits");
    }

    @Test
    void sigtermReachesTheChildAndItsStatusIsTheWrappers() throws Exception {
        Process wrapper = start(List.of("/bin/sleep", "60"));
        ProcessHandle sleep = child(wrapper);
        wrapper.destroy();
        assertTrue(wrapper.waitFor(5, TimeUnit.SECONDS));
        assertEquals(128 + 15, wrapper.exitValue(), "the child's status: killed by SIGTERM");
        assertTrue(!sleep.isAlive());
    }

    @Test
    void aChildThatEndsByItselfEndsTheWrapperWithItsStatus() throws Exception {
        Process wrapper = start(List.of("/bin/sh", "-c", "exit 7"));
        assertTrue(wrapper.waitFor(5, TimeUnit.SECONDS));
        assertEquals(7, wrapper.exitValue());
    }
}
