package kalshifills.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import kalshifills.settings.ConfigurationException;
import kalshifills.settings.Settings;

/**
 * Checked before Camel starts: Camel's management server logs a port it cannot listen on and runs on without health
 * and metrics, which a container's health check would then report with no reason given.
 */
final class ManagementPort {

    private ManagementPort() {
    }

    static void checkFree(Settings settings) {
        if (!Boolean.parseBoolean(settings.optionalText("camel.management.enabled").orElse("false"))) {
            return;
        }
        int port = settings.integer("camel.management.port", 1, 65_535);
        String host = settings.optionalText("camel.management.host").orElse("0.0.0.0");
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigurationException("camel.management.port", "is " + port + ", and " + host + ":" + port + " is taken ("
                    + e.getMessage() + "): stop the process listening there, or choose a free port for /observe/health and /observe/metrics");
        }
    }
}
