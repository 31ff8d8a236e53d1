package dev.drover.scheduler.secrets;

import java.io.IOException;

/** Where a first start puts the new admin's token, which nothing can show again. */
public interface AdminTokenSink {
    /**
     * Stores the token; returns where it went, for the start-up message (never the token itself).
     *
     * @throws IOException if it could not be stored: the scheduler must not go on as if it were
     */
    String store(String token) throws IOException;
}
