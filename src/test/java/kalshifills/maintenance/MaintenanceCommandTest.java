package kalshifills.maintenance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MaintenanceCommandTest {

    @Test
    void help_answers_without_reading_a_setting_or_connecting_anywhere() throws Exception {
        for (String command : List.of("verify", "repair")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // A ClickHouse URL nothing answers on: --help must not care.
            System.setProperty("clickhouse.url", "jdbc:clickhouse://127.0.0.1:1");
            try {
                assertThat(new MaintenanceCommand(command, List.of("--table", "x.y", "--help")).run(new PrintStream(out, true, StandardCharsets.UTF_8)))
                        .isZero();
            } finally {
                System.clearProperty("clickhouse.url");
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar kalshi-fills-ingester.jar verify")
                    .contains("repair   rebuilds a table").contains("Exit status: 0 passed, 2 a setting to fix, 3 a check failed");
        }
    }
}
