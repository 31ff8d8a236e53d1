package dev.drover.scheduler.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import dev.drover.core.Periodic;
import dev.drover.core.codec.Json;
import dev.drover.core.port.User;
import dev.drover.scheduler.billing.Bill;
import dev.drover.scheduler.forward.OwnerRouting;
import dev.drover.scheduler.forward.Placement;
import dev.drover.scheduler.forward.ReplicaLink;
import dev.drover.scheduler.model.JobView;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request for a running job this replica does not own, passed on to the replica that owns it: the same
 * method, path, query and body, the caller's name signed instead of their credentials, and the answer
 * copied back as it comes (a followed result stream or an event stream included). The owner authorises
 * it as the caller, so a job they may not see is 404 there as here. A forwarded request is never
 * forwarded again: one hop at most, whatever the registry says.
 *
 * <p>When the owner dies mid-answer, the client's connection is cut rather than ended, so a client never
 * takes a truncated answer for a whole one; a follow opens again (on this replica or the next) and skips the
 * tasks it has, by task number. An owner that does not connect is 503 with {@code Retry-After}: within a
 * lease its jobs pass to a live replica, which then answers for them itself.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    /** A forwarded request's body (a rerun's selection) is small: the API's own limit for a workload does not apply. */
    static final int MAX_BODY = 1 << 20;
    /** Answer headers passed back; the rest (length, encoding, connection) are the hop's own. */
    private static final List<String> PASSED = List.of("Content-Type", "Retry-After", "Allow", "Cache-Control",
            "Content-Disposition", "X-Content-Type-Options");

    private static final TypeReference<Bill> BILL = new TypeReference<>() {};
    /** How often open forwarded streams are checked against the registry. */
    static final Duration WATCH = Duration.ofSeconds(1);
    private final OwnerRouting routing;
    private final ReplicaLink link;
    private final Placement placement;
    /** Streams being copied from an owner, so one whose owner is judged gone can be cut (see {@link #watch}). */
    private final Set<Copying> streams = ConcurrentHashMap.newKeySet();
    private final Periodic watch;

    /** A stream copied from {@code replica} on {@code thread}; cut and ended are decided under its lock. */
    private static final class Copying {
        final String replica;
        final Closeable in;
        final Thread thread;
        private boolean ended;

        Copying(String replica, Closeable in, Thread thread) {
            this.replica = replica;
            this.in = in;
            this.thread = thread;
        }

        /** Cuts the copy unless it has ended: the thread is interrupted only while it still copies. */
        synchronized void cut() {
            if (!ended) {
                try {
                    in.close();
                } catch (IOException e) {
                    // cut either way
                }
                thread.interrupt();
            }
        }

        /** The copy is over: no cut reaches the thread after this, and one that came is cleared. */
        synchronized void end() {
            ended = true;
            Thread.interrupted();
        }
    }

    Forwarder(OwnerRouting routing, ReplicaLink link, Placement placement) {
        this.routing = routing;
        this.link = link;
        this.placement = placement;
        this.watch = Periodic.withFixedDelay("drover-forward-watch", WATCH, WATCH, this::watch);
    }

    /**
     * Cuts the forwarded streams whose owner is judged gone. A killed owner's connections close by themselves,
     * but a lost host's stay open and silent: without this, its followers would wait on it for ever. The reading
     * thread is interrupted too, since closing a response stream does not wake a read blocked on it.
     */
    private void watch() {
        for (Copying c : streams) {
            if (!routing.alive(c.replica)) {
                log.info("replica {} is judged gone: its forwarded stream is cut so the client asks again", c.replica);
                streams.remove(c);
                c.cut();
            }
        }
    }

    @Override
    public void close() {
        watch.stop(WATCH);
    }

    /** The running job's owner if it is another replica (one read of the job's owner). */
    Optional<OwnerRouting.Remote> ownerElsewhere(String jobId) {
        return routing.elsewhere(jobId);
    }

    /** Passes the request to {@code owner} and copies its answer back. */
    void forward(HttpExchange ex, String jobId, OwnerRouting.Remote owner, User user, boolean stream) throws Exception {
        String address = owner.address().orElseThrow(() -> new Refusal(503, "job " + jobId + "'s replica is gone; another"
                + " replica takes its jobs within seconds: try again", Map.of("Retry-After", "2")));
        byte[] body = readBody(ex);
        String target = target(ex);
        HttpResponse<InputStream> answer;
        try {
            answer = link.send(address, user.name(), ex.getRequestMethod(), target, body,
                    ex.getRequestHeaders().getFirst("Content-Type"), stream);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Refusal(503, "job " + jobId + "'s replica does not answer; another replica takes its jobs within"
                    + " seconds: try again", Map.of("Retry-After", "2"));
        } catch (IOException e) {
            log.warn("job {}: forwarding {} {} to replica {} at {} failed: {}", jobId, ex.getRequestMethod(), target,
                    owner.replica(), address, e.toString());
            throw new Refusal(503, "job " + jobId + "'s replica did not answer; try again", Map.of("Retry-After", "2"));
        }
        Copying copying = new Copying(owner.replica(), answer.body(), Thread.currentThread());
        if (stream) {
            streams.add(copying);
        }
        try {
            copy(ex, answer, stream);
        } finally {
            streams.remove(copying);
            copying.end(); // a cut by the watch leaves no interrupt on the server's thread
        }
    }

    /**
     * Places a new job: a job {@code after} others on the live replica that owns them all, if not this one; any other
     * by load ({@link Placement}). If another replica should take it, the submit goes there as the
     * caller, with its idempotency key, and that replica's answer (the job's view) goes back to the client;
     * empty then. Else the body to submit here, its first bytes (read to size the job) read again. A replica
     * that cannot be reached before any of the body went to it leaves the job here; one that breaks off after
     * is 503, and the client's retry with the same key finds the job if it was made.
     */
    Optional<InputStream> place(HttpExchange ex, User user, InputStream body, List<String> after) throws Exception {
        if (!after.isEmpty()) {
            Optional<Placement.Target> owner = upstreamsOwner(after);
            return owner.isEmpty() ? Optional.of(body) : send(ex, user, body, owner.get(), false);
        }
        byte[] head = body.readNBytes(Placement.PEEK);
        InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), body);
        Optional<Placement.Target> to = placement.elsewhere(Placement.tasksIn(head, head.length < Placement.PEEK));
        return to.isEmpty() ? Optional.of(whole) : send(ex, user, whole, to.get(), true);
    }

    /**
     * The live replica that owns every job a new job waits on, if not this one (one owner read each): the job goes
     * there and follows them from memory. Jobs of several replicas, or one here: it stays (and follows the others).
     */
    private Optional<Placement.Target> upstreamsOwner(List<String> after) {
        Optional<OwnerRouting.Remote> first = routing.elsewhere(after.get(0));
        if (first.isEmpty() || first.get().address().isEmpty()) {
            return Optional.empty();
        }
        for (String id : after.subList(1, after.size())) {
            if (!routing.elsewhere(id).map(r -> r.replica().equals(first.get().replica())).orElse(false)) {
                return Optional.empty();
            }
        }
        return Optional.of(new Placement.Target(first.get().replica(), first.get().address().get(), 0, 0, 0));
    }

    /** Submits the job to the replica {@code t} as the caller; {@code byLoad}: counted in its load until its beats carry it. */
    private Optional<InputStream> send(HttpExchange ex, User user, InputStream whole, Placement.Target t, boolean byLoad)
            throws Exception {
        Map<String, String> headers = new HashMap<>();
        for (String name : List.of("Content-Type", JobsResource.IDEMPOTENCY_KEY)) {
            Optional.ofNullable(ex.getRequestHeaders().getFirst(name)).ifPresent(v -> headers.put(name, v));
        }
        AtomicBoolean opened = new AtomicBoolean();
        Copying sending = new Copying(t.replica(), whole, Thread.currentThread()); // cut if the replica is judged gone
        streams.add(sending);
        int status;
        byte[] answer;
        HttpResponse<InputStream> response;
        try {
            response = link.submit(t.address(), user.name(), target(ex), () -> {
                opened.set(true);
                return whole;
            }, headers);
            try (InputStream in = response.body()) {
                answer = in.readNBytes(MAX_BODY);
            }
            status = response.statusCode();
        } catch (ConnectException | HttpConnectTimeoutException e) {
            if (!opened.get()) {
                log.info("replica {} at {} does not answer: the new job stays here", t.replica(), t.address());
                return Optional.of(whole);
            }
            throw placementFailed(t, e);
        } catch (IOException | InterruptedException e) {
            throw placementFailed(t, e);
        } finally {
            streams.remove(sending);
            sending.end();
        }
        if (status == 201 && byLoad) {
            JobView job = Json.MAPPER.readValue(answer, JobView.class);
            placement.placed(t, job.total());
            log.info("job {} ({} tasks) placed on replica {}, which had {} tasks not final against {} here", job.jobId(),
                    job.total(), t.replica(), t.load(), t.here());
        } else if (status == 201) {
            log.info("job {} placed on replica {}, which owns the jobs it waits on", Json.MAPPER.readValue(answer, JobView.class)
                    .jobId(), t.replica());
        }
        for (String name : PASSED) {
            response.headers().firstValue(name).ifPresent(v -> ex.getResponseHeaders().set(name, v));
        }
        ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
        return Optional.empty();
    }

    private static Refusal placementFailed(Placement.Target t, Exception e) {
        log.warn("placing a new job on replica {} at {} failed: {}", t.replica(), t.address(), e.toString());
        return new Refusal(503, "the replica the job was placed on did not answer; try again", Map.of("Retry-After", "2"));
    }

    /** The request's raw path and query, as the client sent them. */
    private static String target(HttpExchange ex) {
        return ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
    }

    private static byte[] readBody(HttpExchange ex) throws IOException, Refusal {
        if (!ex.getRequestMethod().equals("POST")) {
            return new byte[0];
        }
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new Refusal(413, "the body is over the limit of " + MAX_BODY + " bytes");
        }
        return body;
    }

    private static void copy(HttpExchange ex, HttpResponse<InputStream> answer, boolean stream) throws IOException {
        try (InputStream in = answer.body()) {
            for (String name : PASSED) {
                answer.headers().firstValue(name).ifPresent(v -> ex.getResponseHeaders().set(name, v));
            }
            if (stream) {
                ApiServer.idle(ex, Duration.ZERO); // the owner's stream may be quiet as long as its tasks run
            }
            ex.sendResponseHeaders(answer.statusCode(), 0);
            OutputStream out = ex.getResponseBody();
            byte[] buffer = new byte[16 * 1024];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    // the owner went away mid-answer: cut the client's connection, so it cannot take a part for the whole
                    log.info("{}: the owning replica's answer broke off ({}); the client's connection is cut so it asks again",
                            ex.getRequestURI().getRawPath(), e.toString());
                    ((ApiExchange) ex).endPoint().close();
                    return;
                }
                if (n < 0) {
                    return;
                }
                out.write(buffer, 0, n);
                if (stream) {
                    out.flush(); // a stream's lines go on as they come
                }
            }
        }
    }

    /**
     * {@code GET /jobs} over every live replica: this replica's list, then each other's (as {@code user}),
     * one entry a job. A replica that does not answer is left out: its running jobs pass to a live one soon.
     */
    List<JobView> everywhere(List<JobView> here, User user) {
        return merge(here, others(user));
    }

    /** The jobs {@code user} may see that the other live replicas hold: each one's own {@code GET /jobs}, asked as the user. */
    List<JobView> others(User user) {
        List<JobView> all = new ArrayList<>();
        for (String address : routing.others()) {
            try {
                all.addAll(link.jobs(address, user.name()));
            } catch (IOException e) {
                log.info("the jobs list leaves out replica {}: {}", address, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return all;
    }

    /** Lists of jobs merged, one entry a job (the view that knows more), in the order they were submitted. */
    static List<JobView> merge(List<JobView> here, List<JobView> others) {
        Map<String, JobView> all = new LinkedHashMap<>();
        here.forEach(j -> all.put(j.jobId(), j));
        others.forEach(j -> all.merge(j.jobId(), j, Forwarder::fresher));
        List<JobView> merged = new ArrayList<>(all.values());
        merged.sort(Comparator.comparingLong(JobView::submittedAt).thenComparing(JobView::jobId));
        return merged;
    }

    /** {@code GET /bill} over every live replica: this replica's bill and each other's for the same query, one line a job. */
    Bill billEverywhere(Bill here, User user, String target) {
        List<Bill> bills = new ArrayList<>(List.of(here));
        for (String address : routing.others()) {
            try {
                bills.add(link.get(address, user.name(), target, BILL));
            } catch (IOException e) {
                log.info("the bill leaves out replica {}: {}", address, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return bills.size() == 1 ? here : Bill.merge(here.since(), bills);
    }

    /** Of two views of one job, the one that knows more: an ended one over a running one, else the later-held first. */
    private static JobView fresher(JobView a, JobView b) {
        return a.finishedAt() == 0 && b.finishedAt() > 0 ? b : a;
    }
}
