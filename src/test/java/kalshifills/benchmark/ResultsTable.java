package kalshifills.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's one table, as Markdown: a row per case, under the machine it ran on. */
final class ResultsTable {

    /**
     * @param met whether the result meets the target: "yes", "no", or "-" for a baseline without a target
     */
    record Row(String benchmarkCase, String measured, String result, String target, String met) {
    }

    private final String machine;
    private final List<Row> rows = new ArrayList<>();

    ResultsTable(String machine) {
        this.machine = machine;
    }

    void add(String benchmarkCase, String measured, String result, String target, boolean met) {
        add(new Row(benchmarkCase, measured, result, target, met ? "yes" : "**no**"));
    }

    void add(Row row) {
        rows.add(row);
        Benchmark.progress(row.benchmarkCase() + ": " + row.result());
    }

    /** A duration as the table shows it. */
    static String seconds(Duration duration) {
        return "%.2f s".formatted(duration.toMillis() / 1000.0);
    }

    String markdown() {
        StringBuilder table = new StringBuilder(machine).append("\n\n")
                .append("| case | measured | result | target | met |\n")
                .append("|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append("| ").append(String.join(" | ", row.benchmarkCase(), row.measured(), row.result(), row.target(), row.met()))
                    .append(" |\n");
        }
        return table.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown());
    }
}
