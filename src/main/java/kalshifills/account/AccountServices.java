package kalshifills.account;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import kalshifills.fill.FillNormalizer;
import kalshifills.settings.Settings;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What every account shares, bound once as {@code accountServices} for the route template to hand to each
 * {@link KalshiAccount} it makes.
 *
 * @param stores     where each account's fills are kept
 * @param maxPollAge how long the health check lets pass without a complete poll
 * @param cluster    which instance leads each account ({@link kalshifills.cluster.LeaderElection})
 * @param accounts   the accounts made so far, for their feed routes
 */
public record AccountServices(Settings settings, AccountStore.Factory stores, Clock clock, MeterRegistry meters,
        HealthCheckRegistry healthChecks, FillNormalizer normalizer, Duration maxPollAge, CamelClusterService cluster, Accounts accounts) {
}
