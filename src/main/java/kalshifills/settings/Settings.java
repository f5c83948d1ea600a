package kalshifills.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import java.util.function.Function;

/**
 * Typed, checked access to the service's properties; every failure names the key to fix. The service reads them through
 * Camel's properties component, the maintenance commands through {@link PropertiesFile}: the same file, the same
 * environment overrides. The settings of one Kalshi account ({@link #forAccount}) are {@code account.<name>.<key>} where
 * set, else the plain {@code <key>}.
 */
public final class Settings {

    private final Function<String, Optional<String>> properties;
    private final String prefix;

    /** @param properties the value of a key, after its environment and system property overrides */
    public Settings(Function<String, Optional<String>> properties) {
        this(properties, "");
    }

    private Settings(Function<String, Optional<String>> properties, String prefix) {
        this.properties = properties;
        this.prefix = prefix;
    }

    public Settings forAccount(String account) {
        return new Settings(properties, "account." + account + ".");
    }

    /** The key a setting is read from: the account's own where it is set. */
    public String keyOf(String key) {
        return !prefix.isEmpty() && resolve(prefix + key).isPresent() ? prefix + key : key;
    }

    public String text(String key) {
        return optionalText(key).orElseThrow(() -> new ConfigurationException(keyOf(key), "is not set"));
    }

    public Optional<String> optionalText(String key) {
        return resolve(keyOf(key));
    }

    private Optional<String> resolve(String key) {
        return properties.apply(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    public int integer(String key, int min, int max) {
        return optionalInteger(key, min, max).orElseThrow(() -> new ConfigurationException(keyOf(key), "is not set"));
    }

    public Optional<Integer> optionalInteger(String key, int min, int max) {
        return optionalText(key).map(value -> {
            try {
                int number = Integer.parseInt(value);
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw new ConfigurationException(keyOf(key), "is '" + value + "'; expected a whole number from " + min + " to " + max);
        });
    }

    /** A share from 0 to 1, such as 0.001 for 0.1 %. */
    public double share(String key) {
        String value = text(key);
        try {
            double share = Double.parseDouble(value);
            if (share >= 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new ConfigurationException(keyOf(key), "is '" + value + "'; expected a share from 0 to 1, such as 0.001 for 0.1 %");
    }

    /** {@code true} or {@code false}, nothing else, so that a typo is not read as off. */
    public boolean flag(String key) {
        String value = text(key);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigurationException(keyOf(key), "is '" + value + "'; expected true or false");
    }

    public Duration seconds(String key, int min, int max) {
        return Duration.ofSeconds(integer(key, min, max));
    }

    public Path file(String key) {
        return Path.of(text(key));
    }
}
