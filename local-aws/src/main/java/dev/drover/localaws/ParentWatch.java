package dev.drover.localaws;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Launcher for an emulator child process: {@code ParentWatch <mainClass> [args...]}. It halts the
 * JVM as soon as its standard input reaches end-of-file, which happens when the parent process
 * dies for any reason, kill -9 included (the kernel closes the parent's end of the pipe), so
 * emulators never outlive the Drover process that started them.
 *
 * <p>Self-contained on purpose (no other Drover class, no nested class): {@link EmulatorProcess}
 * copies just this class file next to the emulator's jars, away from Drover's own class path.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(ParentWatch::haltWhenParentGoes, "drover-parent-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            Class.forName(args[0])
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void haltWhenParentGoes() {
        try {
            while (System.in.read() >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file.
        }
        // halt, not exit: shutdown hooks could block, and nobody is left to wait for them.
        Runtime.getRuntime().halt(0);
    }
}
