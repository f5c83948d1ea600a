package kalshifills.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * application.properties read as Camel reads it for the service, without a Camel context: a key is taken from a system
 * property ({@code -Dkey=value}), else its environment variable ({@link ConfigurationException#environmentVariable}),
 * else the file. For the maintenance commands, which must answer {@code --help} and read their settings without starting
 * anything.
 */
public final class PropertiesFile {

    private PropertiesFile() {
    }

    public static Settings read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ConfigurationException("application.properties", "cannot read " + file.toAbsolutePath() + " (" + e.getMessage()
                    + "); run from the project or image directory that holds it");
        }
        return new Settings(key -> Optional.ofNullable(System.getProperty(key))
                .or(() -> Optional.ofNullable(System.getenv(ConfigurationException.environmentVariable(key))))
                .or(() -> Optional.ofNullable(properties.getProperty(key))));
    }
}
