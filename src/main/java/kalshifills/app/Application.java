package kalshifills.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import kalshifills.maintenance.MaintenanceCommand;
import kalshifills.settings.ConfigurationException;
import kalshifills.settings.PropertiesFile;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the service: {@code java -jar kalshi-fills-ingester.jar [--demo] [camel-main options]}, from the directory holding
 * {@code application.properties} and {@code routes/}; or runs one of the table commands, {@code verify} and
 * {@code repair} ({@link MaintenanceCommand}), with the same settings.
 *
 * <p>{@code --demo} starts a simulated Kalshi account on localhost and points the service at it, so the whole pipeline
 * runs without Kalshi credentials. Exit status: 0 after a normal stop, 2 for a setting to fix, 3 when {@code verify} finds a check failing, 1 for any
 * other failure.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);
    private static final Path PROPERTIES = Path.of("application.properties");
    private static final String USAGE = """
            usage: java -jar kalshi-fills-ingester.jar [--demo]
                   java -jar kalshi-fills-ingester.jar verify|repair [options]   (verify --help, repair --help)

            Polls Kalshi's fills of each account in routes/accounts.yaml into ClickHouse, every fill once, until stopped
            (SIGTERM inserts the fills already fetched first). Run it from the directory holding application.properties
            and routes/.

              --demo   against a simulated Kalshi account on localhost, without Kalshi credentials

            Settings: application.properties, each key overridden by its environment variable (kalshi.api-key-id is
            KALSHI_API_KEY_ID, camel.management.port is CAMEL_MANAGEMENT_PORT) or by -Dkey=value.
            While it runs, on camel.management.port (9876): /observe/health/live, /observe/health/ready, /observe/metrics.
            Exit status: 0 after a normal stop, 2 a setting to fix (one configuration_error line names it), 1 anything else.
            """;

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        List<String> camelArgs = new ArrayList<>(List.of(args));
        boolean demo = camelArgs.remove("--demo");
        int exitCode;
        try {
            if (!camelArgs.isEmpty() && MaintenanceCommand.isCommand(camelArgs.get(0))) {
                exitCode = new MaintenanceCommand(camelArgs.get(0), camelArgs.subList(1, camelArgs.size())).run(System.out);
            } else if (camelArgs.stream().anyMatch(arg -> List.of("--help", "-help", "-h").contains(arg))) {
                System.out.print(USAGE);
                exitCode = 0;
            } else {
                if (demo) {
                    refuseAccountEnvironment();
                }
                ManagementPort.checkFree(PropertiesFile.read(PROPERTIES));
                Main main = newMain();
                try (DemoAccount account = demo ? DemoAccount.start() : null) {
                    if (account != null) {
                        account.joinTo(main);
                    }
                    exitCode = main.run(camelArgs.toArray(String[]::new));
                }
            }
        } catch (Exception e) {
            exitCode = startupFailed(e);
        }
        System.exit(exitCode);
    }

    /**
     * The service as every start builds it: the settings of application.properties with their environment overrides,
     * the beans, the YAML routes.
     */
    public static Main newMain() {
        return newMain(System::getenv);
    }

    /** @param environment the value of an environment variable, or null */
    public static Main newMain(Function<String, String> environment) {
        Main main = new Main();
        main.configure().addConfiguration(IngesterConfiguration.class);
        main.setPropertyPlaceholderLocations("file:" + PROPERTIES);
        PropertiesFile.environmentOverrides(PROPERTIES, environment).forEach(main::addOverrideProperty);
        // Camel's placeholders would take a variable before a -D; its camel.* options the other way round. With the
        // variables of the file's keys given above, and the others only as a fallback, every key reads -D, then the
        // environment, then the file.
        main.addOverrideProperty("camel.component.properties.environment-variable-mode", "1");
        return main;
    }

    private static void refuseAccountEnvironment() {
        for (String key : DemoAccount.ACCOUNT_SETTINGS) {
            String variable = ConfigurationException.environmentVariable(key);
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                throw new ConfigurationException(key, "is set in the environment, and --demo runs against a simulated account:"
                        + " unset " + variable + " to run the demo, or leave out --demo to use it");
            }
        }
    }

    /** One line naming what to fix, instead of a stack trace. */
    private static int startupFailed(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigurationException) {
                LOG.atError().setMessage("configuration_error").addKeyValue("reason", cause.getMessage()).log();
                return 2;
            }
        }
        LOG.atError().setMessage("startup_failed").addKeyValue("reason", String.valueOf(failure.getMessage()).strip()).log();
        return 1;
    }
}
