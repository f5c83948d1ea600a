package kalshifills.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * application.properties and the rule for overriding it: a key is taken from a system property ({@code -Dkey=value}),
 * else its environment variable ({@link ConfigurationException#environmentVariable}), else the file.
 */
public final class PropertiesFile {

    private PropertiesFile() {
    }

    /** The settings without a Camel context, for the maintenance commands and the checks made before Camel starts. */
    public static Settings read(Path file) {
        Properties properties = load(file);
        return new Settings(key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(ConfigurationException.environmentVariable(key))))
                .or(() -> Optional.ofNullable(properties.getProperty(key))));
    }

    /**
     * The file's keys that their environment variable sets, for Camel's override properties.
     * Camel itself maps environment variables to its own {@code camel.*} options only by prefix, and skips every variable
     * ending in {@code _PORT} as a Kubernetes service link: {@code CAMEL_MANAGEMENT_PORT} would be ignored.
     */
    public static Map<String, String> environmentOverrides(Path file, Function<String, String> environment) {
        Map<String, String> overrides = new TreeMap<>();
        for (String key : load(file).stringPropertyNames()) {
            String value = environment.apply(ConfigurationException.environmentVariable(key));
            if (value != null) {
                overrides.put(key, value);
            }
        }
        return overrides;
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ConfigurationException("application.properties", "cannot read " + file.toAbsolutePath() + " (" + e.getMessage()
                    + "); run from the project or image directory that holds it");
        }
        return properties;
    }
}
