package dev.drover.scheduler.api;

import static dev.drover.scheduler.api.Replies.allow;
import static dev.drover.scheduler.api.Replies.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.codec.Json;
import dev.drover.core.port.Message;
import dev.drover.core.port.User;
import dev.drover.scheduler.collect.HandIn;
import dev.drover.scheduler.forward.HandOver;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /replica/results}, which only replicas call ({@link Authenticator#replica}): another replica's
 * collector hands this one result messages of its jobs ({@link HandOver}). 200 with the ids recorded, once
 * they are (as durably as this replica's own collector records before deleting a message); 409 if this
 * replica holds none of their jobs (now); 400 for a body that is not such messages, of which none is recorded.
 */
final class ReplicaResource implements Resource {
    /** Ten messages of SQS's 256 KiB at most, with room for the JSON around them. */
    static final long MAX_BODY = 3L << 20;

    /** Set once this server is one replica of several; until then the route answers 409. */
    private volatile HandIn handIn;

    void handIn(HandIn h) {
        this.handIn = h;
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route("POST", "/replica/results"));
    }

    @Override
    public void handle(HttpExchange ex, String method, List<String> path, Map<String, String> query, User user)
            throws Exception {
        if (!path.equals(List.of("replica", "results"))) {
            throw Refusal.notFound();
        }
        allow(method, "POST");
        HandIn h = handIn;
        if (h == null) {
            throw new Refusal(409, "this scheduler is not a replica");
        }
        List<String> recorded;
        try (InputStream in = new BodyLimit(ex.getRequestBody(), MAX_BODY)) {
            List<Message> messages = Json.MAPPER.readValue(in, HandOver.class).received();
            recorded = h.take(messages);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new Refusal(400, "not result messages: " + JsonErrors.message(400));
        } catch (UncheckedIOException e) {
            // an offloaded body that could not be read: the sender keeps the message, and it comes again
            throw new Refusal(503, "a result message's body could not be fetched; try again shortly", Map.of("Retry-After", "1"));
        }
        if (recorded.isEmpty()) {
            throw new Refusal(409, "this replica holds none of these messages' jobs");
        }
        json(ex, 200, new HandOver.Recorded(recorded));
    }
}
