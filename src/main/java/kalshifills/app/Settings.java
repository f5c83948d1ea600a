package kalshifills.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed, checked access to the service's properties; every failure names the key to fix. The settings of one Kalshi
 * account ({@link #forAccount}) are {@code account.<name>.<key>} where set, else the plain {@code <key>}.
 */
final class Settings {

    private final PropertiesComponent properties;
    private final String prefix;

    Settings(PropertiesComponent properties) {
        this(properties, "");
    }

    private Settings(PropertiesComponent properties, String prefix) {
        this.properties = properties;
        this.prefix = prefix;
    }

    Settings forAccount(String account) {
        return new Settings(properties, "account." + account + ".");
    }

    /** The key a setting is read from: the account's own where it is set. */
    String keyOf(String key) {
        return !prefix.isEmpty() && resolve(prefix + key).isPresent() ? prefix + key : key;
    }

    String text(String key) {
        return optionalText(key).orElseThrow(() -> new ConfigurationException(keyOf(key), "is not set"));
    }

    Optional<String> optionalText(String key) {
        return resolve(keyOf(key));
    }

    private Optional<String> resolve(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    int integer(String key, int min, int max) {
        return optionalInteger(key, min, max).orElseThrow(() -> new ConfigurationException(keyOf(key), "is not set"));
    }

    Optional<Integer> optionalInteger(String key, int min, int max) {
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
    double share(String key) {
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

    Duration seconds(String key, int min, int max) {
        return Duration.ofSeconds(integer(key, min, max));
    }

    Path file(String key) {
        return Path.of(text(key));
    }
}
