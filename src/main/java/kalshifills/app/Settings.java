package kalshifills.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.spi.PropertiesComponent;

/** Typed, checked access to the service's properties; every failure names the key to fix. */
final class Settings {

    private final PropertiesComponent properties;

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    String text(String key) {
        return optionalText(key).orElseThrow(() -> new ConfigurationException(key, "is not set"));
    }

    Optional<String> optionalText(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    int integer(String key, int min, int max) {
        return optionalInteger(key, min, max).orElseThrow(() -> new ConfigurationException(key, "is not set"));
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
            throw new ConfigurationException(key, "is '" + value + "'; expected a whole number from " + min + " to " + max);
        });
    }

    Duration seconds(String key, int min, int max) {
        return Duration.ofSeconds(integer(key, min, max));
    }

    Path file(String key) {
        return Path.of(text(key));
    }
}
