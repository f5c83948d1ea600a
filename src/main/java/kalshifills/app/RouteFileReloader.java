package kalshifills.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import kalshifills.status.FailureReason;
import org.apache.camel.CamelContext;
import org.apache.camel.DelegateEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live route changes: an edit to a YAML file of the routes directory replaces the running routes, without a restart.
 *
 * <p>Every route file is read and parsed first; an edit that does not parse is refused, naming the file and the line,
 * and the running routes are not touched. An edit that parses but whose routes do not start (an unknown bean, a bad
 * option) is refused too, and the routes that ran before are started again. The files are reloaded all together, so a
 * route template and the accounts instantiating it always match. Stopping the routes waits for the poll in progress and
 * inserts the open batches, as a shutdown does, so no fill in flight is lost or doubled.
 */
final class RouteFileReloader extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);
    private static final Duration SETTLE = Duration.ofMillis(500);

    private final Path directory;
    private Map<String, String> running;
    private Map<String, String> refused = Map.of();

    RouteFileReloader(Path directory) {
        super(directory.toString());
        setPattern("*.yaml");
        this.directory = directory;
    }

    @Override
    protected void doStart() throws Exception {
        running = routeFiles();
        super.doStart();
    }

    @Override
    protected synchronized void onRouteReload(Collection<Resource> changed, boolean removeEverything) {
        Map<String, String> edited = settledRouteFiles();
        // A save often comes as several file events: each state of the files is tried once, and an empty file waits for
        // the write that follows.
        if (edited.equals(running) || edited.equals(refused) || edited.containsValue("")) {
            return;
        }
        String file = changed == null || changed.isEmpty() ? directory.toString() : changed.iterator().next().getLocation();
        try {
            for (Map.Entry<String, String> route : edited.entrySet()) {
                parse(route.getKey(), route.getValue());
            }
        } catch (Exception e) {
            refused = edited;
            refuse(file, e, "the running routes are unchanged");
            return;
        }
        try {
            replaceRoutes(edited);
        } catch (Exception e) {
            refused = edited;
            refuse(file, e, "the routes that ran before are started again");
            try {
                replaceRoutes(running);
            } catch (Exception again) {
                LOG.atError().setMessage("routes_restore_failed").addKeyValue("reason", FailureReason.of(again)).log();
            }
            return;
        }
        running = edited;
        LOG.atInfo().setMessage("routes_reloaded")
                .addKeyValue("file", file)
                .addKeyValue("routes", getCamelContext().getRoutes().stream().map(route -> route.getRouteId()).sorted().toList())
                .log();
    }

    /**
     * The route files once they stop changing: an editor or a copy may write a file in several steps, and a half-written
     * file can parse (a prefix of accounts.yaml is valid YAML with fewer accounts).
     */
    private Map<String, String> settledRouteFiles() {
        Map<String, String> files = routeFiles();
        for (int check = 0; check < 40; check++) {
            try {
                Thread.sleep(SETTLE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return files;
            }
            Map<String, String> again = routeFiles();
            if (again.equals(files)) {
                return files;
            }
            files = again;
        }
        return files;
    }

    /** Every route file as it is now, by location. */
    private Map<String, String> routeFiles() {
        try (Stream<Path> files = Files.list(directory)) {
            Map<String, String> contents = new TreeMap<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                contents.put("file:" + file, Files.readString(file));
            }
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the route definitions of one file without adding them, so a file that does not parse changes nothing. */
    private void parse(String location, String content) throws Exception {
        CamelContext context = getCamelContext();
        for (RoutesBuilder builder : routesLoader().findRoutesBuilders(ResourceHelper.fromString(location, content))) {
            if (builder instanceof RouteBuilder routes) {
                routes.configureRoutes(context);
            }
            if (builder instanceof RouteConfigurationBuilder configurations) {
                configurations.setCamelContext(context);
                configurations.configuration();
            }
        }
    }

    /**
     * Stops and removes every route of the route files, as a shutdown stops them, then loads and starts the given files'
     * routes. Routes built in Java (the demo's) are not the files' and stay.
     */
    private void replaceRoutes(Map<String, String> files) throws Exception {
        CamelContext context = getCamelContext();
        for (Route route : List.copyOf(context.getRoutes())) {
            if (String.valueOf(route.getSourceLocation()).contains(".yaml")) {
                pauseSchedule(route);
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
            }
        }
        context.removeRouteTemplates("*");
        List<Resource> resources = new ArrayList<>();
        files.forEach((location, content) -> resources.add(ResourceHelper.fromString(location, content)));
        Collection<RoutesBuilder> builders = routesLoader().findRoutesBuilders(resources);
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                configurations.updateRouteConfigurationsToCamelContext(context);
            }
        }
        for (RoutesBuilder builder : builders) {
            context.addRoutes(builder);
        }
        for (RoutesBuilder builder : builders) {
            context.addTemplatedRoutes(builder);
        }
        // Routes added to a running context wait for a start: the supervising route controller starts only the context's own.
        for (Route route : List.copyOf(context.getRoutes())) {
            if (String.valueOf(route.getSourceLocation()).contains(".yaml")) {
                context.getRouteController().startRoute(route.getRouteId());
            }
        }
    }

    /**
     * No new poll while the route waits for the one in progress: its consumer keeps running until then (shutdownRoute
     * Defer, as Camel cannot suspend master:), and the schedule would fire again.
     */
    private static void pauseSchedule(Route route) throws Exception {
        Endpoint endpoint = route.getEndpoint() instanceof DelegateEndpoint delegate ? delegate.getEndpoint() : route.getEndpoint();
        if (endpoint instanceof QuartzEndpoint quartz) {
            quartz.pauseTrigger();
        }
    }

    private RoutesLoader routesLoader() {
        return PluginHelper.getRoutesLoader(getCamelContext());
    }

    private static void refuse(String file, Exception e, String outcome) {
        LOG.atError().setMessage("routes_reload_refused")
                .addKeyValue("file", file)
                .addKeyValue("reason", FailureReason.of(e))
                .addKeyValue("outcome", outcome)
                .log();
    }
}
