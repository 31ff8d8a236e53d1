package dev.drover.cli;

import dev.drover.core.EnvironmentVariables;
import dev.drover.core.exec.TaskEnvironment;
import dev.drover.core.files.FilesCacheSettings;
import dev.drover.remoteworker.InstanceMetadata;
import java.util.Map;

/**
 * What a worker's environment says about where it runs, read once by {@code drover worker}.
 *
 * @param onEc2       launched by the scheduler on EC2 ({@code DROVER_SHUTDOWN_ON_IDLE=1}): named after its
 *                    instance, watches for spot notices, powers off when idle
 * @param parentWatch started by a local fleet ({@code DROVER_PARENT_WATCH=1}): ends with its parent
 * @param spotWatch   watches for spot notices off EC2 too ({@code DROVER_SPOT_WATCH=1}), without powering off
 * @param metadata    the instance metadata service
 * @param filesCache  where job files are cached, and how much
 * @param taskBase    the tasks' base environment: the worker's PATH, LANG and USER
 */
record WorkerHost(boolean onEc2, boolean parentWatch, boolean spotWatch, InstanceMetadata metadata,
                  FilesCacheSettings filesCache, TaskEnvironment taskBase) {

    static WorkerHost from(Map<String, String> env) {
        return new WorkerHost("1".equals(env.get(EnvironmentVariables.SHUTDOWN_ON_IDLE)),
                "1".equals(env.get(EnvironmentVariables.PARENT_WATCH)), "1".equals(env.get(EnvironmentVariables.SPOT_WATCH)),
                InstanceMetadata.fromEnvironment(env), FilesCacheSettings.fromEnvironment(env), TaskEnvironment.fromWorker(env));
    }
}
