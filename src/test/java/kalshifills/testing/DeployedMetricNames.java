package kalshifills.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The metric names the operator's alert rules ({@code deploy/prometheus/}) and dashboard ({@code deploy/grafana/}) query,
 * so that a test can check a running service exports each of them: a renamed meter would otherwise leave an alert that
 * never fires and a panel that stays empty.
 */
public final class DeployedMetricNames {

    public static final Path ALERT_RULES = Path.of("deploy", "prometheus", "kalshi-fills-alerts.yml");
    public static final Path DASHBOARD = Path.of("deploy", "grafana", "kalshi-fills-dashboard.json");

    /** The service's own meters and the ones of the libraries it reports; {@code _bucket}, {@code _count}, {@code _sum} kept. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:kalshi|hikaricp|jvm|process|camel)_[a-z0-9_]+");

    private DeployedMetricNames() {
    }

    /** Every metric name the alert rules and the dashboard query, as written there. */
    public static SortedSet<String> all() {
        List<String> expressions = new ArrayList<>(alertExpressions());
        expressions.addAll(dashboardExpressions());
        expressions.addAll(dashboardVariableQueries());
        return namesIn(expressions);
    }

    public static SortedSet<String> namesIn(Collection<String> expressions) {
        SortedSet<String> names = new TreeSet<>();
        expressions.forEach(expression -> METRIC_NAME.matcher(expression).results().forEach(match -> names.add(match.group())));
        return names;
    }

    /** The {@code expr} of every rule in the alert rules file. */
    @SuppressWarnings("unchecked")
    public static List<String> alertExpressions() {
        Map<String, Object> file = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(read(ALERT_RULES));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add((String) rule.get("expr"));
            }
        }
        return expressions;
    }

    /** The PromQL of every panel target of the dashboard. */
    public static List<String> dashboardExpressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    /** The queries of the dashboard's query variables: Grafana's own functions ({@code label_values}), not PromQL. */
    public static List<String> dashboardVariableQueries() {
        List<String> queries = new ArrayList<>();
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.path("query").path("query").asText());
            }
        }
        return queries;
    }

    public static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(read(DASHBOARD));
        } catch (IOException e) {
            throw new IllegalStateException(DASHBOARD + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }
}
