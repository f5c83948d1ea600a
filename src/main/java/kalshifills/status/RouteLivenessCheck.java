package kalshifills.status;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.SupervisingRouteController;

/**
 * Liveness of one account: its route runs, or Camel's supervising route controller is still starting it (ClickHouse down
 * at start is a matter of waiting); DOWN once the controller has given up, which a restart of the process may mend.
 * Camel's own route checks count for readiness only.
 */
public final class RouteLivenessCheck extends AbstractHealthCheck {

    private final String routeId;

    public RouteLivenessCheck(String account, String routeId) {
        super("kalshi-fills", "route-" + account);
        this.routeId = routeId;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext();
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        builder.detail("route_status", String.valueOf(status));
        if (status != null && (status.isStarted() || status.isStarting())) {
            builder.up();
            return;
        }
        if (context.getRouteController() instanceof SupervisingRouteController supervisor) {
            if (supervisor.getRestartingRoutes().stream().anyMatch(route -> routeId.equals(route.getId()))) {
                builder.message("route " + routeId + " is being started again" + why(supervisor)).up();
                return;
            }
            if (supervisor.getExhaustedRoutes().stream().anyMatch(route -> routeId.equals(route.getId()))) {
                builder.message("route " + routeId + " could not be started and is no longer retried" + why(supervisor)).down();
                return;
            }
        }
        builder.message("route " + routeId + " is " + status).down();
    }

    private String why(SupervisingRouteController supervisor) {
        Throwable failure = supervisor.getRestartException(routeId);
        return failure == null ? "" : ": " + FailureReason.of(failure);
    }
}
