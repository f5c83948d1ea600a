package kalshifills.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.settings.ConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar as operators run it ({@code java @src/main/jvm/jvm.options -jar target/kalshi-fills-ingester.jar}, from the
 * project directory),
 * with settings given as environment variables, its JSON log lines read as they come. Its output is appended to
 * {@code target/service-processes.log}.
 */
public final class ServiceProcess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ServiceProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("reading stdout failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** @param settings property keys (as in application.properties) and values, passed as the environment variables they map to */
    public static ServiceProcess start(Map<String, String> settings, String... args) throws IOException {
        return start(List.of(), settings, args);
    }

    /** @param jvmOptions options for the java command, such as {@code -Xmx256m} */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> settings, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("java", "@src/main/jvm/jvm.options");
        builder.command().addAll(jvmOptions);
        builder.command().addAll(List.of("-jar", "target/kalshi-fills-ingester.jar"));
        builder.command().addAll(List.of(args));
        settings.forEach((key, value) -> builder.environment().put(ConfigurationException.environmentVariable(key), value));
        builder.redirectErrorStream(true);
        return new ServiceProcess(builder.start());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public List<JsonNode> events(String name) {
        return lines.stream().map(ServiceProcess::json).filter(e -> name.equals(e.path("event").asText())).toList();
    }

    /** SIGTERM, leaving stdout open (Process.destroy() would close it and lose the shutdown's lines). */
    public void sigterm() {
        process.toHandle().destroy();
    }

    public void sigkill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the exit, and for every line the process wrote before it. */
    public int exitWithin(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("exited within " + timeout).isTrue();
        reader.join(timeout.toMillis());
        try {
            Files.write(Path.of("target", "service-processes.log"), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return process.exitValue();
    }

    public static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }
}
