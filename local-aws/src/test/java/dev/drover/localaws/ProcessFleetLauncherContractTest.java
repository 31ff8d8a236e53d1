package dev.drover.localaws;

import dev.drover.core.contract.FleetLauncherContract;
import dev.drover.core.port.FleetLauncher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessFleetLauncher} through the fleet launcher contract, with a short-lived real process
 * standing in for {@code drover worker}: {@code sh -c 'exec sleep 30' sh --id proc-N} (the launcher
 * appends {@code --id}, which become the script's unused arguments; {@code exec} leaves no orphan).
 */
class ProcessFleetLauncherContractTest extends FleetLauncherContract {
    private static final List<String> WORKER = List.of("/bin/sh", "-c", "exec sleep 30", "sh");

    @TempDir
    Path logs;

    private final List<ProcessFleetLauncher> launchers = new ArrayList<>();

    @Override
    protected FleetLauncher newLauncher() {
        ProcessFleetLauncher launcher = new ProcessFleetLauncher(WORKER, Map.of(), logs, Clock.systemUTC());
        launchers.add(launcher);
        return launcher;
    }

    /** The worker process ends (as an idle worker exits); the launcher notices its exit. */
    @Override
    protected void stop(FleetLauncher launcher, String id) {
        ((ProcessFleetLauncher) launcher).process(id).orElseThrow().destroy();
    }

    @AfterEach
    void reap() {
        launchers.forEach(ProcessFleetLauncher::close);
    }
}
