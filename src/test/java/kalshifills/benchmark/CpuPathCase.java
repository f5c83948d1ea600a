package kalshifills.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The CPU path ({@link CpuPathBenchmark}) under JMH, one thread, in a JVM of its own with the service's JVM options; JMH's
 * own output goes to a file.
 */
final class CpuPathCase {

    private static final double TARGET = 200_000;

    private final Path jmhLog;

    CpuPathCase(Path jmhLog) {
        this.jmhLog = jmhLog;
    }

    void run(ResultsTable results) throws Exception {
        Benchmark.progress("CPU path: JMH, about a minute; its output goes to " + jmhLog);
        Files.createDirectories(jmhLog.toAbsolutePath().getParent());
        Map<String, Double> fillsPerSecond = new HashMap<>();
        for (RunResult result : new Runner(new OptionsBuilder().include(CpuPathBenchmark.class.getName()).threads(1)
                .jvmArgsAppend("@src/main/jvm/jvm.options")
                .output(jmhLog.toString()).build()).run()) {
            String benchmark = result.getParams().getBenchmark();
            fillsPerSecond.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
        }
        double decided = fillsPerSecond.get("normalizeAndDecide");
        results.add("CPU path", "normalize + dedupe decisions of a 1,000-fill page, half stored, no I/O (JMH, 1 thread)",
                "%,.0f fills/s (normalize alone %,.0f fills/s)".formatted(decided, fillsPerSecond.get("normalizeOnly")),
                "≥ 200,000 fills/s", decided >= TARGET);
    }
}
