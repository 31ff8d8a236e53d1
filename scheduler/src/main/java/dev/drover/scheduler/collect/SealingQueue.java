package dev.drover.scheduler.collect;

import dev.drover.core.codec.Json;
import dev.drover.core.model.Bundle;
import dev.drover.core.port.MessageQueue;
import dev.drover.core.queue.ForwardingMessageQueue;
import dev.drover.scheduler.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler's request queue: every bundle it sends (dispatched, re-sent, split after a dead
 * letter) goes out sealed ({@link BundleProofs}), so whoever makes a bundle needs no part in it. The
 * seal is spliced in as the body's first field rather than the bundle being written again.
 */
public final class SealingQueue extends ForwardingMessageQueue {
    private final BundleProofs proofs;

    SealingQueue(MessageQueue queue, BundleProofs proofs) {
        super(queue);
        this.proofs = proofs;
    }

    /** The same backend, sending its bundles sealed. */
    public static Backend over(Backend backend, BundleProofs proofs) {
        return new Backend(new SealingQueue(backend.requests(), proofs), backend.responses(), backend.deadLetters(),
                backend.claims(), backend.payloads(), backend.jobStore(), backend.meter());
    }

    @Override
    public void send(List<String> bodies) {
        List<String> sealed = new ArrayList<>(bodies.size());
        for (String body : bodies) {
            sealed.add(seal(body));
        }
        queue.send(sealed);
    }

    String seal(String body) {
        Bundle b = Json.bundle(body);
        if (b.seal() != null) {
            return body;
        }
        return "{\"seal\":" + Json.write(proofs.seal(b.jobId(), b.tasks())) + "," + body.substring(body.indexOf('{') + 1);
    }
}
