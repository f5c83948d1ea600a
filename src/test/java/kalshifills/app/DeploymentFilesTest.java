package kalshifills.app;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kalshifills.settings.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of the Dockerfile and docker-compose.yml without a Docker engine: that they name files, settings and
 * ports this project has. The health check's command itself runs in ObservabilityIT.
 */
class DeploymentFilesTest {

    private final Properties properties = new Properties();
    private final String dockerfile;

    DeploymentFilesTest() throws IOException {
        dockerfile = Files.readString(Path.of("Dockerfile"));
        properties.load(new StringReader(Files.readString(Path.of("application.properties"))));
    }

    @Test
    void the_dockerfile_builds_in_one_stage_and_runs_the_jar_as_a_non_root_user_with_routes_and_settings_as_files() {
        assertThat(Pattern.compile("^FROM ", Pattern.MULTILINE).matcher(dockerfile).results()).hasSize(2);
        Matcher copies = Pattern.compile("^COPY (?!--from)(\\S+) ", Pattern.MULTILINE).matcher(dockerfile);
        while (copies.find()) {
            assertThat(Path.of(copies.group(1))).as("COPY " + copies.group(1)).exists();
        }
        assertThat(dockerfile).contains("COPY --from=build /build/target/kalshi-fills-ingester.jar /app/kalshi-fills-ingester.jar")
                .contains("COPY routes /app/routes\n").contains("COPY application.properties /app/application.properties\n")
                .contains("COPY src/main/jvm/jvm.options /app/jvm.options\n")
                .containsPattern("\nUSER ingester\n(.*\n)*ENTRYPOINT \\[\"java\", \"@/app/jvm.options\", .*\"-jar\", \"/app/kalshi-fills-ingester.jar\"]");
    }

    @Test
    void the_jar_the_dockerfile_copies_is_the_one_the_build_makes() throws IOException {
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<outputFile>${project.build.directory}/kalshi-fills-ingester.jar</outputFile>");
    }

    @Test
    void the_health_check_asks_liveness_on_the_exposed_management_port() {
        String port = properties.getProperty("camel.management.port");
        assertThat(dockerfile).contains("EXPOSE " + port + "\n").contains("/dev/tcp/127.0.0.1/" + port + " ")
                .contains("GET " + properties.getProperty("camel.management.health-path", "/observe/health") + "/live ");
    }

    @Test
    void the_entrypoint_sizes_the_heap_from_the_memory_limit() throws Exception {
        Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[\"java\", \"@/app/jvm.options\", (.*), \"-jar\"").matcher(dockerfile);
        assertThat(entrypoint.find()).isTrue();
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(entrypoint.group(1).replace("\"", "").split(", ")));
        // MaxRAM stands in for the container's limit, which the JVM reads from its cgroup.
        command.addAll(List.of("-XX:MaxRAM=512m", "-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String flags = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).isZero();
        Matcher maxHeap = Pattern.compile("size_t MaxHeapSize\\s+= (\\d+)").matcher(flags);
        assertThat(maxHeap.find()).isTrue();
        assertThat(Long.parseLong(maxHeap.group(1))).as("the heap under a 512 MiB limit, 60 % of it").isBetween(307L << 20, 309L << 20);
    }

    @Test
    @SuppressWarnings("unchecked")
    void compose_sets_only_settings_the_service_has_and_mounts_routes_and_settings_where_the_image_reads_them() throws IOException {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsOnlyKeys("clickhouse", "ingester");
        assertThat((String) ((Map<String, Object>) services.get("clickhouse")).get("image")).startsWith("clickhouse/clickhouse-server:");

        Map<String, Object> ingester = (Map<String, Object>) services.get("ingester");
        List<String> variables = properties.stringPropertyNames().stream().map(ConfigurationException::environmentVariable).toList();
        assertThat(((Map<String, Object>) ingester.get("environment")).keySet()).allSatisfy(name -> assertThat(variables).contains(name));
        assertThat((List<String>) ingester.get("volumes")).contains("./routes:/app/routes:ro", "./application.properties:/app/application.properties:ro");
        assertThat((List<String>) ingester.get("ports")).contains(properties.getProperty("camel.management.port") + ":"
                + properties.getProperty("camel.management.port"));
        int gracePeriod = Integer.parseInt(((String) ingester.get("stop_grace_period")).replace("s", ""));
        assertThat(gracePeriod).isGreaterThan(Integer.parseInt(properties.getProperty("camel.main.shutdown-timeout")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_cluster_compose_runs_two_instances_with_their_own_names_on_one_zookeeper() throws IOException {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("deploy", "cluster", "docker-compose.yml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsOnlyKeys("zookeeper", "clickhouse", "ingester-a", "ingester-b");
        List<String> variables = properties.stringPropertyNames().stream().map(ConfigurationException::environmentVariable).toList();
        List<Object> names = new ArrayList<>();
        for (String instance : List.of("ingester-a", "ingester-b")) {
            Map<String, Object> ingester = (Map<String, Object>) services.get(instance);
            Map<String, Object> environment = (Map<String, Object>) ingester.get("environment");
            assertThat(environment.keySet()).allSatisfy(name -> assertThat(variables).contains(name));
            assertThat(environment).containsEntry("CLUSTER_ZOOKEEPER_NODES", "zookeeper:2181");
            names.add(environment.get("FILLS_INSTANCE_ID"));
            assertThat((List<String>) ingester.get("volumes")).contains("../../routes:/app/routes:ro",
                    "../../application.properties:/app/application.properties:ro");
            assertThat(Path.of("deploy", "cluster").resolve((String) ingester.get("build")).resolve("Dockerfile")).exists();
        }
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_kubernetes_deployment_probes_the_management_endpoints_and_keeps_the_key_in_a_secret() throws IOException {
        Map<String, Object> deployment = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("deploy", "kubernetes", "kalshi-fills-ingester.yaml")));
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        List<String> variables = properties.stringPropertyNames().stream().map(ConfigurationException::environmentVariable).toList();
        List<Map<String, Object>> environment = (List<Map<String, Object>>) container.get("env");
        assertThat(environment).extracting(variable -> variable.get("name")).allSatisfy(name -> assertThat(variables).contains((String) name))
                .contains("CLUSTER_ZOOKEEPER_NODES", "FILLS_INSTANCE_ID", "KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_FILE");
        String health = properties.getProperty("camel.management.health-path", "/observe/health");
        assertThat(((Map<String, Object>) ((Map<String, Object>) container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo(health + "/live");
        assertThat(((Map<String, Object>) ((Map<String, Object>) container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo(health + "/ready");
        assertThat(((List<Map<String, Object>>) container.get("ports")).get(0).get("containerPort"))
                .isEqualTo(Integer.parseInt(properties.getProperty("camel.management.port")));
        assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThan(Integer.parseInt(properties.getProperty("camel.main.shutdown-timeout")));
        assertThat(Files.readString(Path.of("deploy", "kubernetes", "kalshi-fills-ingester.yaml"))).doesNotContain("BEGIN").contains("secretName: kalshi-fills-key");
    }
}
