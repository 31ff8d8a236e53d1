package dev.drover.cli;

import dev.drover.core.workload.Durations;
import dev.drover.scheduler.model.Policy;
import dev.drover.scheduler.model.Quotas;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code drover scheduler}'s options for what it holds users and jobs to: quotas, the dispatch policy,
 * how long ended jobs are kept, the largest workload and files pack it takes.
 */
final class LimitOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--max-queued-per-user", paramLabel = "N", defaultValue = "" + Quotas.DEFAULT_MAX_QUEUED_TASKS,
            description = "A user's tasks queued or running at once, the new job's included; more is refused with 429 (default ${DEFAULT-VALUE}).")
    long maxQueuedPerUser;

    @Option(names = "--max-running-per-user", paramLabel = "N", defaultValue = "" + Quotas.DEFAULT_MAX_RUNNING_TASKS,
            description = "A user's tasks on the queue or running at once; the rest waits at the scheduler (default ${DEFAULT-VALUE}).")
    long maxRunningPerUser;

    @Option(names = "--policy", paramLabel = "fair|fifo", defaultValue = "fair", converter = PolicyConverter.class,
            description = "Dispatch order across users: fair (each user with work gets a share of the fleet by weight; "
                    + "within a user, --priority then submission order) or fifo (global submission order). Default ${DEFAULT-VALUE}.")
    Policy policy;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "268435456",
            description = "Largest workload a submission may carry (default ${DEFAULT-VALUE}); more is refused with 413.")
    long maxBody;

    @Option(names = "--retention", paramLabel = "D", defaultValue = "30d",
            description = "How long an ended job is kept: then its state, record (DynamoDB: TTL), spooled workload and result log "
                    + "are deleted; running and queued jobs never expire (default ${DEFAULT-VALUE}; 12h, 7d, ...).")
    String retention;

    @Option(names = "--files-unpacked-limit", paramLabel = "SIZE", defaultValue = "16GiB",
            description = "The most a files pack may hold unpacked for PUT /files to take it (bytes, or with KiB, MiB, GiB, K, M, G;"
                    + " default ${DEFAULT-VALUE}). Checking a pack reads it through once: near 16 GiB, about a minute per upload.")
    String filesUnpackedLimit;

    /** Picocli: "fair" or "fifo", any case. */
    static final class PolicyConverter implements ITypeConverter<Policy> {
        @Override
        public Policy convert(String value) {
            try {
                return Policy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    Quotas quotas() {
        return new Quotas(maxQueuedPerUser, maxRunningPerUser);
    }

    Duration retention() {
        Duration keep = Durations.parse(retention);
        if (keep.isZero()) {
            throw new ParameterException(mixee.commandLine(), "--retention must be more than 0");
        }
        return keep;
    }

    long filesUnpackedLimit() {
        long bytes;
        try {
            bytes = FilesOptions.parseSize(filesUnpackedLimit);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(mixee.commandLine(), "bad --files-unpacked-limit: " + e.getMessage());
        }
        if (bytes < 1) {
            throw new ParameterException(mixee.commandLine(), "--files-unpacked-limit must be more than 0");
        }
        return bytes;
    }
}
