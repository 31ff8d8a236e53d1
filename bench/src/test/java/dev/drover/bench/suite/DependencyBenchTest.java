package dev.drover.bench.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dependency bench at a small size: it runs, and every figure's job ends with its tasks succeeded. */
class DependencyBenchTest {
    @TempDir
    Path dir;

    @Test
    void printsEachFigure() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // -Ddrover.bench.dependencies=10000,100000,1000 for the sizes
        String[] sizes = System.getProperty("drover.bench.dependencies", "200,20000,50").split(",");
        DependencyBench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), dir, Integer.parseInt(sizes[0]),
                Integer.parseInt(sizes[1]), Integer.parseInt(sizes[2]));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertTrue(out.contains("; 0 not succeeded"), out);
        assertTrue(out.contains("goes once the last map is recorded"), out);
        assertTrue(out.contains(" " + sizes[2] + " succeeded"), out);
        if (sizes.length > 3) { // -Ddrover.bench.dependencies=10000,100000,1000,local-aws
            String local = DependencyBench.mapReduceOnLocalAws(dir.resolve("local-aws"), Integer.parseInt(sizes[0]));
            System.out.println(local);
            assertTrue(local.contains("; 0 not succeeded"), local);
        }
    }
}
