package dev.drover.scheduler.collect;

import dev.drover.core.Usage;
import dev.drover.core.codec.Json;
import dev.drover.core.codec.Route;
import dev.drover.core.model.ResultBatch;
import dev.drover.core.model.ResultProof;
import dev.drover.core.model.TaskResult;
import dev.drover.core.model.TaskStart;
import dev.drover.core.port.Message;
import dev.drover.core.port.MessageQueue;
import dev.drover.scheduler.model.AcrossReplicas;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a collector does with results of jobs this scheduler does not hold. A worker's result message
 * can carry several jobs' results (it batches across bundles), and scheduler replicas share the
 * response queue, so one message may hold this replica's jobs and another's: the other jobs' part is
 * sent back to the queue as a message of its own (with their proofs, which the owner checks as it would
 * the worker's) before the original is deleted. A message with none of this replica's jobs is handed to
 * its owner over HTTP when a live replica owns one of them ({@link #forward}), and deleted once the owner
 * says it recorded it; else (no live owner, or the hand-off failed) it is hidden a second for its owner,
 * and sent again as new once it has been received {@value #RENEW_AT} times, so the response queue's
 * redrive (5 receives) never dead-letters it while its job waits for a new owner.
 * A single scheduler drops the unknown jobs' part: there, they are of a job deleted or forgotten.
 * A replica reads a message's {@link Route} first and leaves a message of other jobs only unread
 * ({@link #decodes}), so its CPU follows its own jobs' results, not every replica's.
 */
public final class PassOn {
    private static final Logger log = LoggerFactory.getLogger(PassOn.class);
    /** Receives of a not-mine message after which it is sent again as new (the production redrive is at 5). */
    static final int RENEW_AT = 3;
    /** A result that no replica has held for this long after it was made is of a job gone for good. */
    static final Duration GIVE_UP = Duration.ofMinutes(15);

    /** A batch split by owner: {@code mine} for this scheduler's jobs, {@code others} the rest; either may be null. */
    public record Split(ResultBatch mine, ResultBatch others) {}

    private final MessageQueue responses;
    private final Predicate<String> knownJob;
    private final BooleanSupplier replicas;
    private final Supplier<AcrossReplicas> across;
    private final Clock clock;
    /** Set once this replica can call the others ({@link #forwardTo}); until then other replicas' messages are hidden. */
    private volatile Link link;

    /**
     * @param knownJob whether this scheduler holds the job
     * @param replicas whether it is one replica of several (read at each use: it becomes one after its start-up)
     * @param across what the other replicas hold, among it whether one of them owns a job (read at each use, as {@code replicas})
     */
    public PassOn(MessageQueue responses, Predicate<String> knownJob, BooleanSupplier replicas, Supplier<AcrossReplicas> across,
                  Clock clock) {
        this.responses = responses;
        this.knownJob = job -> job != null && knownJob.test(job);
        this.replicas = replicas;
        this.across = across;
        this.clock = clock;
    }

    /**
     * Whether a message of this route is worth decoding: it names a job of this scheduler (or no job), or
     * this is the only scheduler, which records or drops whatever comes.
     */
    public boolean decodes(Route route) {
        return !replicas.getAsBoolean() || route.jobs().isEmpty() || route.jobs().stream().anyMatch(knownJob);
    }

    /** Splits a batch into its results, starts and proofs for this scheduler's jobs, and the rest. */
    public Split split(ResultBatch b) {
        boolean mineUsage = knownJob.test(b.usageJob());
        List<TaskResult> myResults = b.results().stream().filter(r -> knownJob.test(r.jobId())).toList();
        List<TaskStart> myStarts = b.started().stream().filter(s -> knownJob.test(s.jobId())).toList();
        if (myResults.size() == b.results().size() && myStarts.size() == b.started().size()) {
            return new Split(b, null); // the usual case; a batch of usage alone is the recorder's, as ever
        }
        if (myResults.isEmpty() && myStarts.isEmpty()) {
            return new Split(null, b);
        }
        List<ResultProof> myProofs = b.proofs().stream().filter(p -> ownProof(p, true)).toList();
        // the usage goes with the part of the job it is charged to; both parts name that job (never null)
        ResultBatch mine = new ResultBatch(b.worker(), b.usageJob(), mineUsage ? b.usage() : Usage.ZERO,
                mineUsage ? b.duplicatesSkipped() : 0, myResults, myStarts, myProofs);
        ResultBatch others = new ResultBatch(b.worker(), b.usageJob(), mineUsage ? Usage.ZERO : b.usage(),
                mineUsage ? 0 : b.duplicatesSkipped(),
                b.results().stream().filter(r -> !knownJob.test(r.jobId())).toList(),
                b.started().stream().filter(s -> !knownJob.test(s.jobId())).toList(),
                b.proofs().stream().filter(p -> !ownProof(p, true)).toList());
        return new Split(mine, others);
    }

    /** Whether the proof is for a job of this scheduler ({@code unreadable}: what a scope that does not parse counts as). */
    private boolean ownProof(ResultProof p, boolean unreadable) {
        return BundleProofs.parse(p.scope()).map(s -> knownJob.test(s.jobId())).orElse(unreadable);
    }

    /**
     * Passes on the other jobs' part of a message that had some of this scheduler's: a replica sends it to
     * the queue (before the original is deleted, so a crash between the two repeats results, never loses
     * them); a single scheduler drops it.
     */
    public void othersOf(String messageId, ResultBatch others) {
        if (replicas.getAsBoolean()) {
            responses.send(List.of(Json.routed(others)));
            log.debug("message {}: {} results and {} starts of other replicas' jobs sent on", messageId,
                    others.results().size(), others.started().size());
            return;
        }
        Map<String, Integer> byJob = new LinkedHashMap<>();
        others.results().forEach(r -> byJob.merge(r.jobId(), 1, Integer::sum));
        byJob.forEach((job, n) -> log.warn("{} results for unknown job {} dropped", n, job));
    }

    /**
     * What to do with a message none of whose jobs this scheduler holds: hand it to its owner, a live
     * replica, over HTTP ({@link #forward}); hide it a while (no live owner, or no link to it); or the caller
     * deletes it, sent anew or dropped.
     */
    public enum NotMine { FORWARD, HIDE, RENEWED, DROP }

    /** What {@link #notMine} said, and for {@link NotMine#FORWARD} the owner's address (else null). */
    public record Verdict(NotMine what, String owner) {
        static final Verdict HIDE = new Verdict(NotMine.HIDE, null);
    }

    /** Another replica's HTTP API, to which a collector hands the result messages of that replica's jobs. */
    public interface Link {
        /**
         * Sends the messages, as they travelled, to the replica at {@code address}; answers the ids of those
         * it recorded (durably, as its own collector would before deleting them), or an empty set.
         */
        Set<String> results(String address, List<Message> messages) throws IOException, InterruptedException;
    }

    /** Makes this replica hand the messages of a live replica's jobs to it ({@link NotMine#FORWARD}). */
    public void forwardTo(Link link) {
        this.link = link;
    }

    /**
     * A message of other jobs only: handed to their owner if another live replica owns one of them (the
     * caller {@link #forward}s it), else hidden briefly, unless a replica has seen it {@value #RENEW_AT} times,
     * when it is sent again as new, as it came (the caller deletes the original), or dropped if its newest
     * result or start is older than {@link #GIVE_UP}. Its route says all this, so the message need not be
     * decoded: {@code m} may be as it travels, compressed or offloaded.
     */
    public Verdict notMine(Message m, Route route) {
        if (!replicas.getAsBoolean()) {
            return Verdict.HIDE;
        }
        if (m.receiveCount() < RENEW_AT) {
            if (link == null) {
                return Verdict.HIDE;
            }
            AcrossReplicas others = across.get();
            return route.jobs().stream().map(others::liveOwner).flatMap(Optional::stream).findFirst()
                    .map(owner -> new Verdict(NotMine.FORWARD, owner)).orElse(Verdict.HIDE);
        }
        if (route.newest() < clock.millis() - GIVE_UP.toMillis()) {
            log.warn("message {}: results and starts of jobs {} that no replica has held for {} dropped", m.id(),
                    route.jobs(), GIVE_UP);
            return new Verdict(NotMine.DROP, null);
        }
        responses.send(List.of(m.body()));
        return new Verdict(NotMine.RENEWED, null);
    }

    /**
     * Hands messages of the owner's jobs to the replica at {@code owner}: the ids of those it recorded, which
     * the caller deletes; empty if it did not answer so (down, slow, or no longer the owner), when the caller
     * hides them as for no live owner.
     */
    public Set<String> forward(String owner, List<Message> messages) {
        Link l = link;
        if (l == null) {
            return Set.of();
        }
        try {
            return l.results(owner, messages);
        } catch (IOException e) {
            log.debug("{} result messages not handed to the replica at {}: {}", messages.size(), owner, e.toString());
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }
}
