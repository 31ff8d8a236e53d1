package dev.drover.core.model;

/** Recognises the built-in {@code sleep N} task (N milliseconds, no process). */
public final class Commands {
    private Commands() {}

    /** The N of {@code sleep N}, or -1 if the command is not a well-formed built-in sleep. */
    public static long sleepMillis(String command) {
        if (!command.startsWith("sleep ")) {
            return -1;
        }
        String arg = command.substring(6).trim();
        if (arg.isEmpty() || arg.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
