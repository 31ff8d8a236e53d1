package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.files.FilesException;
import dev.drover.core.files.FilesPack;
import dev.drover.core.port.User;
import dev.drover.scheduler.Engine;
import java.util.List;
import java.util.Map;

/** GET /files/SHA: 200 if the store has the pack, else 404; PUT /files/SHA: stores it unless it is there. */
final class FilesResource implements Resource {
    /** The most a files pack may weigh here, whatever the client's own limit. */
    static final long MAX_FILES_PACK_BYTES = 16L << 30;

    private final Engine scheduler;

    FilesResource(Engine scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("GET", "/files/{sha}"), new Route("PUT", "/files/{sha}"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user) throws Exception {
        if (path.size() != 2) {
            throw Refusal.notFound();
        }
        allow(method, "GET", "PUT");
        String sha256 = path.get(1);
        if (!FilesPack.isSha256(sha256)) {
            throw new Refusal(400, "not a SHA-256 (64 lower-case hex digits)");
        }
        if (method.equals("PUT")) {
            try {
                boolean uploaded = scheduler.putFiles(sha256, new BodyLimit(ex.getRequestBody(), MAX_FILES_PACK_BYTES),
                        MAX_FILES_PACK_BYTES);
                json(ex, uploaded ? 201 : 200, Map.of("sha256", sha256, "uploaded", uploaded));
            } catch (FilesException e) {
                throw new Refusal(400, e.getMessage());
            }
        } else if (scheduler.hasFiles(sha256)) {
            json(ex, 200, Map.of("sha256", sha256));
        } else {
            throw new Refusal(404, "no such files pack");
        }
    }
}
