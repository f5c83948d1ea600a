package kalshifills.account;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import kalshifills.cluster.LeaderElection;
import kalshifills.fill.NormalizedFill;
import kalshifills.fill.NormalizedPage;
import kalshifills.kalshi.FillsQuery;
import kalshifills.kalshi.FillsTick;
import kalshifills.kalshi.HistoricalCutoff;
import kalshifills.kalshi.KalshiHttpClient;
import kalshifills.kalshi.KalshiRequestSigner;
import kalshifills.kalshi.PollFailure;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;
import kalshifills.status.FailureReason;
import kalshifills.status.PipelineHealthCheck;
import kalshifills.status.PipelineStatus;
import kalshifills.status.Progress;
import kalshifills.status.RouteLivenessCheck;
import org.apache.camel.DelegateEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.processor.aggregate.AggregateController;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kalshi account polled into one table: made by routes/kalshi-account.yaml with the account's route (a template
 * local bean), from the account's settings, and closed with it. The route calls it a few times a page; everything an
 * account's polls know lives here ({@link PollState}, the poll in progress, the historical cutoff, the account's status).
 *
 * <p>A poll starts where the last complete poll started, minus an overlap, so that a restart neither refetches all
 * history nor misses a fill still in flight when it stopped or one Kalshi reports late; with no checkpoint it asks for
 * every fill Kalshi has. It reads {@code /portfolio/fills} to the last cursor, then, where its window reaches back before
 * Kalshi's historical cutoff, {@code /historical/fills} ({@link FillsTick}). It ends once the fills it sent on are stored.
 *
 * <p>It is also the processor that names each request, the HTTP client's configurer that signs them, and the route's
 * policy, which creates the account's tables as the route starts.
 */
public final class KalshiAccount extends RoutePolicySupport implements Processor, HttpClientConfigurer, CamelClusterEventListener.Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(KalshiAccount.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final String name;
    private final AccountServices services;
    private final AggregateController batches;
    private final KalshiRequestSigner signer;
    private final FillsQuery query;
    private final String pollKey;
    private final Duration overlap;
    private final Duration storeTimeout;
    private final int requestsPerSecond;
    private final int lookupChunk;
    private final HistoricalCutoff cutoff;
    private final PollState state;
    private final PipelineStatus status;
    private final PipelineHealthCheck healthCheck;
    private volatile RouteLivenessCheck livenessCheck;
    private volatile CamelClusterView leadership;
    private volatile FirstPoll firstPoll;
    private volatile Route route;
    private final AccountStore store;
    private FillsTick tick;
    private volatile boolean tablesCreated;

    /**
     * @param batches the route's aggregator of new fills, completed at the end of each poll
     * @throws ConfigurationException naming the setting to fix
     */
    public KalshiAccount(String name, AccountServices services, AggregateController batches) {
        this.name = name;
        this.services = services;
        this.batches = batches;
        Settings settings = services.settings().forAccount(name);
        this.signer = ServiceSettings.kalshiRequestSigner(settings, services.clock());
        this.query = ServiceSettings.fillsQuery(settings);
        this.pollKey = signer.keyId() + "/" + Objects.toString(query.subaccount(), "all") + "/" + Objects.toString(query.ticker(), "all");
        this.overlap = settings.seconds("fills.poll.overlap-seconds", 0, 30 * 24 * 3600);
        this.storeTimeout = settings.seconds("fills.poll.store-timeout-seconds", 1, 24 * 3600);
        this.requestsPerSecond = settings.integer("kalshi.rate-limit.requests-per-second", 1, 10_000);
        this.lookupChunk = settings.integer("fills.dedupe.chunk-size", 1, 10_000);
        int rememberedIds = settings.integer("fills.dedupe.remembered-ids", 1_000, 100_000_000);
        this.cutoff = new HistoricalCutoff(settings.seconds("kalshi.historical.cutoff-max-age-seconds", 0, 24 * 3600), services.clock());
        this.store = services.stores().open(settings, pollKey);
        this.state = new PollState(store, new LoggedProblems(name), services.clock(), rememberedIds);
        this.status = new PipelineStatus(name, services.clock(), services.meters(), services.maxPollAge());
        this.healthCheck = new PipelineHealthCheck(status);
        services.accounts().add(this);
    }

    public String name() {
        return name;
    }

    PollState state() {
        return state;
    }

    public PipelineStatus status() {
        return status;
    }

    /** Signs the account's requests, the WebSocket feed's handshake among them. */
    public KalshiRequestSigner signer() {
        return signer;
    }

    /**
     * The route starts (as the account's route policy): its health checks join the others, the account's tables are created
     * where absent, and the first poll runs now rather than at the schedule's next time. A ClickHouse that does not answer
     * fails the start, readiness DOWN saying why, and Camel's supervising route controller starts the route again with
     * back-off.
     */
    @Override
    public void onStart(Route route) {
        this.route = route;
        services.healthChecks().register(healthCheck);
        if (livenessCheck == null) {
            livenessCheck = new RouteLivenessCheck(name, route.getId());
            services.healthChecks().register(livenessCheck);
        }
        watchLeadership();
        try {
            createTables();
        } catch (IllegalStateException e) {
            status.cannotPoll(e.getMessage());
            throw e;
        }
        readNewestFill();
        Endpoint schedule = route.getEndpoint() instanceof DelegateEndpoint master ? master.getEndpoint() : route.getEndpoint();
        if (schedule instanceof QuartzEndpoint quartz && firstPoll == null) {
            try {
                firstPoll = new FirstPoll(quartz);
                if (status.leading()) {
                    firstPoll.request();
                }
            } catch (SchedulerException e) {
                throw new IllegalStateException("cannot start the first poll of account '" + name + "': " + FailureReason.of(e), e);
            }
        }
    }

    /** Once, as the route starts; a tick that comes first (the cron firing while the route starts) makes sure too. */
    private void createTables() {
        if (tablesCreated) {
            return;
        }
        try {
            store.create();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the tables of account '" + name + "' in ClickHouse: " + FailureReason.of(e), e);
        }
        tablesCreated = true;
    }

    private void watchLeadership() {
        if (leadership != null) {
            return;
        }
        try {
            leadership = services.cluster().getView(LeaderElection.namespace(name));
        } catch (Exception e) {
            throw new IllegalStateException("cannot join the leader election of account '" + name + "': " + FailureReason.of(e), e);
        }
        leadership.addEventListener(this);
    }

    /** This instance took the account over, or another one did: one line, and the account's health and gauge say so. */
    @Override
    public void leadershipChanged(CamelClusterView view, CamelClusterMember leader) {
        boolean leads = leader != null && leader.isLocal();
        boolean changed = leads != status.leading();
        status.leading(leads);
        if (!changed) {
            return;
        }
        LOG.atInfo().setMessage(leads ? "account_taken_over" : "account_handed_over")
                .addKeyValue("account", name)
                .addKeyValue("instance", view.getLocalMember().getId())
                .addKeyValue("leader", leader == null ? null : leader.getId())
                .log();
        if (leads && firstPoll != null) {
            try {
                firstPoll.request();
            } catch (SchedulerException e) {
                LOG.atWarn().setMessage("first_poll_not_started").addKeyValue("account", name).addKeyValue("reason", FailureReason.of(e))
                        .addKeyValue("outcome", "the first poll runs at the schedule's next time").log();
            }
        }
    }

    /** The freshness gauge starts from the newest fill the account has stored; unknown until an insert if it cannot be read. */
    private void readNewestFill() {
        try {
            store.newestFill().ifPresent(status::fillStored);
        } catch (SQLException e) {
            LOG.atWarn().setMessage("newest_fill_unknown")
                    .addKeyValue("account", name)
                    .addKeyValue("reason", FailureReason.of(e))
                    .addKeyValue("outcome", "kalshi_fills_newest_fill_age_seconds is NaN until the next insert")
                    .log();
        }
    }

    @Override
    public void onStop(Route route) {
        services.healthChecks().unregister(healthCheck);
    }

    /** The account is gone from the routes: its health checks, meters and place in the leader election go with it. */
    public void close() {
        services.accounts().remove(this);
        if (leadership != null) {
            leadership.removeEventListener(this);
        }
        if (firstPoll != null) {
            try {
                firstPoll.close();
            } catch (SchedulerException e) {
                LOG.atDebug().setMessage("first_poll_not_closed").addKeyValue("reason", FailureReason.of(e)).log();
            }
        }
        services.healthChecks().unregister(healthCheck);
        if (livenessCheck != null) {
            services.healthChecks().unregister(livenessCheck);
        }
        status.close();
    }

    /** Every request signed with the account's key. */
    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        new KalshiHttpClient(signer).configureHttpClient(clientBuilder);
    }

    /**
     * Starts a poll; none while the route or the service stops (the master: consumer cannot be suspended, so its schedule
     * fires until the poll in progress has ended): such a tick reads nothing and ends at once.
     */
    public void startTick() throws SQLException, SchedulerException {
        if (firstPoll != null) {
            firstPoll.started();
        }
        tick = null;
        if (beingStopped()) {
            return;
        }
        status.pollStarted();
        createTables();
        Instant now = services.clock().instant();
        Long minTs = state.startPoll().map(completeUntil -> completeUntil.minus(overlap).getEpochSecond()).orElse(null);
        tick = new FillsTick(now, minTs, new Progress("fills_poll", 0, PROGRESS_EVERY, services.clock()));
    }

    /**
     * @throws IllegalStateException when this instance lost the account during this poll (not by being stopped, which lets
     *                               the poll finish): it stops after the page it read, as a failed poll, saving no
     *                               checkpoint; the new leader reads from the last
     */
    public boolean hasNextRequest() {
        if (tick == null) {
            return false;
        }
        if (!status.leading() && !beingStopped()) {
            throw new IllegalStateException("account '" + name + "' was taken over by another instance during this poll: it stops"
                    + " here, its fetched fills are still stored, and the new leader polls from the last checkpoint");
        }
        return tick.hasNextRequest();
    }

    /** The service or the route is stopping (SIGTERM, a route file reloaded): the poll in progress finishes first. */
    private boolean beingStopped() {
        if (route == null) {
            return false;
        }
        ServiceStatus routeStatus = route.getCamelContext().getRouteController().getRouteStatus(route.getId());
        return route.getCamelContext().isStopping() || routeStatus == null || !routeStatus.isStarted();
    }

    /** Names the next request: its path below the API's base URL, and its query string (the filters again, the cursor). */
    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_PATH, tick.path());
        message.setHeader(Exchange.HTTP_QUERY, tick.query(query));
    }

    /** The most requests a second this account sends Kalshi: the route's throttle. */
    public int requestsPerSecond() {
        return requestsPerSecond;
    }

    /**
     * One answer: the cutoff's, which decides whether the historical part follows; or a page, whose fills are normalized,
     * the rejected ones stored with their reason, the usable ones looked up in ClickHouse at once.
     *
     * @return the page, whose usable fills the route splits
     */
    public NormalizedPage readPage(JsonNode answer) throws SQLException {
        if (tick.part() == FillsTick.Part.CUTOFF) {
            Instant newCutoff = HistoricalCutoff.in(answer);
            cutoff.read(newCutoff);
            tick.cutoffRead(newCutoff, cutoff.historicalNeeded(tick.minTs()));
            return NormalizedPage.EMPTY;
        }
        List<JsonNode> fills = tick.pageRead(answer);
        status.fetched(fills.size());
        if (tick.part() == FillsTick.Part.HISTORICAL) {
            fills = fills.stream().filter(query::selects).toList();
        }
        NormalizedPage page = services.normalizer().normalizePage(fills);
        if (!page.rejected().isEmpty()) {
            int stored = store.reject(page.rejected());
            status.rejected(stored, page.rejected().size() - stored);
        }
        state.checkPage(page.accepted(), lookupChunk);
        tick.pageChecked(page, cutoff);
        status.pageRead(tick.pages(), tick.oldestFill(), tick.windowCovered());
        return page;
    }

    /**
     * A fill the WebSocket feed pushed, normalized as a polled one; a rejected one is kept with its reason.
     *
     * @return the fill, or null when it was rejected
     */
    public NormalizedFill readFeedFill(JsonNode fill) throws SQLException {
        status.feedFill();
        NormalizedPage page = services.normalizer().normalizeFeedMessage(fill);
        if (!page.rejected().isEmpty()) {
            int stored = store.reject(page.rejected());
            status.rejected(stored, page.rejected().size() - stored);
            return null;
        }
        return page.accepted().get(0);
    }

    /** The feed route's idempotent consumer: is this pushed fill new? It is looked up around its own time. */
    boolean firstSeenOnFeed(NormalizedFill fill) {
        boolean isNew = state.firstSeen(fill.fillId(), fill.ts());
        status.checked(isNew);
        return isNew;
    }

    /** The idempotent consumer decided on a fill. */
    void checked(boolean isNew) {
        status.checked(isNew);
        if (isNew) {
            tick.newFill();
        }
    }

    /** A batch of new fills, in one insert. */
    public void insert(List<NormalizedFill> batch) throws SQLException {
        long started = System.nanoTime();
        try {
            store.insert(batch);
        } catch (SQLException | RuntimeException e) {
            status.insertFailed(FailureReason.of(e), Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        status.insertSucceeded(batch.size(), Duration.ofNanos(System.nanoTime() - started),
                batch.stream().map(NormalizedFill::ts).max(Instant::compareTo).orElse(null));
        state.stored(batch.stream().map(NormalizedFill::fillId).toList());
    }

    /** Every insert of this batch failed: its fills are released, so the next poll fetches and tries them again. */
    public void releaseBatch(Exchange exchange) {
        List<?> batch = exchange.getMessage().getBody(List.class);
        LOG.atError().setMessage("fills_insert_failed")
                .addKeyValue("account", name)
                .addKeyValue("count", batch.size())
                .addKeyValue("reason", FailureReason.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)))
                .addKeyValue("outcome", "released; the next poll fetches them again")
                .log();
        state.givenUp(batch.stream().map(fill -> ((NormalizedFill) fill).fillId()).toList());
    }

    /**
     * The poll read its last page: its batch is inserted now rather than after the batch's wait, and the poll ends once its
     * fills are stored, so that the next (the schedule's missed times fire at once after a long poll) starts from this
     * poll's checkpoint instead of reading everything again.
     */
    public void endTick() throws InterruptedException {
        if (tick == null) {
            return;
        }
        batches.forceCompletionOfAllGroups();
        boolean complete = state.endPoll(tick.newFills() > 0, storeTimeout);
        if (complete) {
            status.pollSucceeded();
        } else {
            status.pollIncomplete();
        }
        tick.logEnd(name, complete, services.clock().instant());
    }

    /** A poll that failed: one line saying why. Fills fetched before the failure are on their way to ClickHouse. */
    public void failTick(Exchange exchange) {
        state.abandonPoll();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown" : PollFailure.reason(cause);
        status.pollFailed(reason);
        apiError(cause);
        LOG.atWarn().setMessage("fills_poll_failed")
                .addKeyValue("account", name)
                .addKeyValue("reason", reason)
                .addKeyValue("pages", tick == null ? 0 : tick.pages())
                .addKeyValue("fetched", tick == null ? 0 : tick.fetched())
                .log();
    }

    /** Counts a failed request to Kalshi by its HTTP status and kind of failure; other failures count nothing. */
    void apiError(Exception cause) {
        PollFailure.apiError(cause).ifPresent(error -> status.apiError(error.status(), error.kind()));
    }

    /** Problems the poll survives, one log line each. */
    private record LoggedProblems(String account) implements PollState.Problems {

        @Override
        public void lookupFailed(int ids, SQLException cause) {
            LOG.atWarn().setMessage("stored_fill_check_failed")
                    .addKeyValue("account", account)
                    .addKeyValue("ids", ids)
                    .addKeyValue("reason", FailureReason.of(cause))
                    .addKeyValue("outcome", "fills let through; the table deduplicates them")
                    .log();
        }

        @Override
        public void checkpointNotSaved(Instant completeUntil, SQLException cause) {
            LOG.atWarn().setMessage("poll_checkpoint_not_saved")
                    .addKeyValue("account", account)
                    .addKeyValue("complete_until", completeUntil.toString())
                    .addKeyValue("reason", FailureReason.of(cause))
                    .addKeyValue("outcome", "the next polls start further back; nothing is skipped")
                    .log();
        }
    }
}
