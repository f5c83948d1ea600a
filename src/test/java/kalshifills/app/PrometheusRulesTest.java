package kalshifills.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.testing.DeployedMetricNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's alert rules and dashboard in {@code deploy/}: the rules load and pass their unit tests in Prometheus's
 * own promtool (installed by {@code src/scripts/promtool.sh}, so this never skips), and the dashboard's queries parse.
 */
class PrometheusRulesTest {

    private static final Path ALERT_TESTS = Path.of("deploy", "prometheus", "kalshi-fills-alerts.test.yml");
    private static final String DATASOURCE = "${datasource}";

    private static String promtool;

    record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void install_promtool() {
        // `path` installs promtool first where it is missing (a fresh machine), and prints where it is as its last line.
        Run install = run(List.of("src/scripts/promtool.sh", "path"));
        assertThat(install.exitCode()).as("src/scripts/promtool.sh path could not install promtool:%n%s", install.output()).isZero();
        List<String> lines = install.output().lines().toList();
        promtool = lines.get(lines.size() - 1);
    }

    @Test
    void the_alert_rules_load_in_prometheus() {
        Run check = promtool("check", "rules", DeployedMetricNames.ALERT_RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void the_alert_rules_pass_their_unit_tests() {
        Run test = promtool("test", "rules", ALERT_TESTS.toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_alert_names_the_account_and_has_a_test_where_it_fires_and_one_where_it_does_not() throws IOException {
        Load yaml = new Load(LoadSettings.builder().build());
        Map<String, Object> rules = (Map<String, Object>) yaml.loadFromString(Files.readString(DeployedMetricNames.ALERT_RULES));
        Map<String, Object> tests = (Map<String, Object>) yaml.loadFromString(Files.readString(ALERT_TESTS));
        Set<String> firing = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                (expected == null || expected.isEmpty() ? silent : firing).add((String) check.get("alertname"));
            }
        }
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String alert = (String) rule.get("alert");
                assertThat(((Map<String, Object>) rule.get("labels")).get("severity")).as(alert).isIn("warning", "critical");
                Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
                assertThat(annotations).as(alert).containsOnlyKeys("summary", "description", "runbook");
                assertThat((String) annotations.get("summary")).as(alert).contains("{{ $labels.account }}");
                assertThat((String) annotations.get("description")).as(alert).contains("{{ $labels.account }}");
                assertThat(firing).as("alerts with a test where they fire").contains(alert);
                assertThat(silent).as("alerts with a test where they must not fire").contains(alert);
            }
        }
    }

    @Test
    void every_dashboard_panel_queries_the_chosen_data_source_and_has_a_title_of_its_own() {
        JsonNode dashboard = DeployedMetricNames.dashboard();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        Map<String, JsonNode> variables = new HashMap<>();
        dashboard.path("templating").path("list").forEach(variable -> variables.put(variable.path("name").asText(), variable));
        assertThat(variables).containsOnlyKeys("datasource", "account");
        assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asText()).isEqualTo("prometheus");
        assertThat(variables.get("account").path("query").path("query").asText()).isEqualTo("label_values(kalshi_fills_fetched_total, account)");

        Set<String> titles = new HashSet<>();
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(titles.add(title)).as("a second panel titled '%s'", title).isTrue();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
            }
        }
    }

    @Test
    void every_dashboard_query_is_valid_promql(@TempDir Path dir) throws IOException {
        // promtool parses PromQL only in rule files: each query becomes a recording rule of its own.
        List<String> rules = new ArrayList<>(List.of("groups:", "  - name: dashboard", "    rules:"));
        List<String> expressions = DeployedMetricNames.dashboardExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            rules.add("      - record: dashboard:query_" + i);
            rules.add("        expr: '" + expressions.get(i).replace("'", "''") + "'");
        }
        Path file = Files.write(dir.resolve("dashboard-queries.yml"), rules);
        Run check = promtool("check", "rules", file.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    void the_metric_names_the_rules_and_the_dashboard_query_are_read_from_their_expressions() {
        assertThat(DeployedMetricNames.all())
                .contains("kalshi_fills_newest_fill_age_seconds", "kalshi_fills_poll_seconds_count", "kalshi_fills_poll_seconds_bucket",
                        "kalshi_fills_rejected_total", "kalshi_api_errors_total", "hikaricp_connections_acquire_seconds_sum",
                        "jvm_memory_used_bytes")
                .allSatisfy(name -> assertThat(name).doesNotEndWith("_"));
        assertThat(DeployedMetricNames.namesIn(List.of("histogram_quantile(0.5, sum by (le) (rate(kalshi_x_bucket{le=\"1\"}[5m])))")))
                .containsExactly("kalshi_x_bucket");
    }

    private static Run promtool(String... args) {
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Run run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within 5 minutes");
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
    }
}
