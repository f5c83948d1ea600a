package kalshifills.settings;

import java.util.Locale;

/** A setting that stops start-up: names the property, the environment variable that sets it, and what to fix. */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String key, String problem) {
        super(key + " (environment variable " + environmentVariable(key) + "): " + problem, null, false, false);
    }

    /** Camel reads {@code kalshi.base-url} from {@code KALSHI_BASE_URL}, and so on for every key. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
