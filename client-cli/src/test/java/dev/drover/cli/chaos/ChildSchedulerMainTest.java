package dev.drover.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.cli.Main;
import org.junit.jupiter.api.Test;

class ChildSchedulerMainTest {
    @Test
    void theChildProcessesStartTheDroverCommand() {
        assertEquals(Main.class.getName(), ChildScheduler.DROVER_MAIN);
    }
}
