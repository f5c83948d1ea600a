package kalshifills.feed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.account.AccountServices;
import kalshifills.account.KalshiAccount;
import kalshifills.settings.ServiceSettings;
import kalshifills.settings.Settings;
import kalshifills.status.FailureReason;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one WebSocket connection to Kalshi subscribed to the account's {@code fill} channel, and hands each pushed fill
 * ({@code msg} of a {@code "type": "fill"} message) to the route, one at a time: the next message is asked for only
 * once the route has taken this one, so a slow ClickHouse slows the socket rather than filling memory.
 *
 * <p>The handshake carries the account's three {@code KALSHI-ACCESS-*} headers signed for {@code GET /trade-api/ws/v2}. A
 * connection lost, refused or answered with an error is opened again after a jittered, doubling delay; meanwhile the
 * account's polls keep the table complete, so the feed only ever makes fills arrive sooner. Kalshi pings every 10 s, and
 * after half of {@code kalshi.feed.idle-timeout-ms} without a frame the consumer pings too (a proxy between may answer
 * Kalshi's pings itself); a connection that brings no frame at all, not even the pong, for the whole timeout is half-open
 * (the peer, or a NAT between, gone without a FIN) and is replaced the same way.
 */
final class FillFeedConsumer extends DefaultConsumer implements WebSocket.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(FillFeedConsumer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBSCRIBE = "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"fill\"]}}";
    /** A fill message is well under a kilobyte; a runaway one is cut off rather than held in memory. */
    private static final int MAX_MESSAGE_CHARS = 1 << 20;

    private final String accountName;
    private final AccountServices services;
    private final StringBuilder partial = new StringBuilder();
    private HttpClient client;
    private ScheduledExecutorService reconnects;
    private KalshiAccount account;
    private URI url;
    private Duration firstDelay;
    private Duration maxDelay;
    private Duration idleTimeout;
    private int failedAttempts;
    private volatile WebSocket socket;
    private volatile boolean stopped;
    private volatile long lastFrameNanos;
    private volatile long lastPingNanos;
    /** While a fill goes through the route nothing is read, so silence then is ours, not the connection's. */
    private volatile boolean delivering;

    FillFeedConsumer(FillFeedEndpoint endpoint, Processor processor, String accountName, AccountServices services) {
        super(endpoint, processor);
        this.accountName = accountName;
        this.services = services;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Settings settings = services.settings().forAccount(accountName);
        if (!settings.flag("kalshi.feed.enabled")) {
            return;
        }
        account = services.accounts().named(accountName);
        url = ServiceSettings.kalshiFeedUrl(settings);
        firstDelay = Duration.ofMillis(settings.integer("kalshi.feed.reconnect-first-delay-ms", 1, 600_000));
        maxDelay = Duration.ofMillis(settings.integer("kalshi.feed.reconnect-max-delay-ms", 1, 3_600_000));
        idleTimeout = Duration.ofMillis(settings.integer("kalshi.feed.idle-timeout-ms", 100, 3_600_000));
        account.status().feedEnabled();
        stopped = false;
        failedAttempts = 0;
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        reconnects = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "fills-feed-" + accountName);
        long checkEvery = Math.max(10, idleTimeout.toMillis() / 4);
        reconnects.scheduleWithFixedDelay(this::checkAlive, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
        connect();
    }

    private void checkAlive() {
        try {
            WebSocket current = socket;
            if (current == null || delivering) {
                return;
            }
            long silentNanos = System.nanoTime() - lastFrameNanos;
            if (silentNanos > idleTimeout.toNanos()) {
                current.abort();
                lost(current, "no frame from Kalshi for " + idleTimeout.toMillis() + " ms, not even an answer to a ping: the connection is taken as dead");
            } else if (silentNanos > idleTimeout.toNanos() / 2 && lastPingNanos - lastFrameNanos <= 0) {
                lastPingNanos = System.nanoTime();
                current.sendPing(ByteBuffer.allocate(0));
            }
        } catch (RuntimeException e) {
            // Thrown into the scheduler it would end the checks for good.
            LOG.atWarn().setMessage("fills_feed_check_failed").addKeyValue("account", accountName).addKeyValue("reason", FailureReason.of(e)).log();
        }
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            stopped = true;
            if (socket != null) {
                socket.abort();
            }
            if (reconnects != null) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(reconnects);
                reconnects = null;
            }
            if (account != null) {
                account.status().feedStopped();
            }
        }
        super.doStop();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        try {
            WebSocket.Builder handshake = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            account.signer().headers("GET", url.getRawPath()).forEach(handshake::header);
            handshake.buildAsync(url, this).whenComplete((opened, failure) -> {
                if (failure != null) {
                    lost(null, refusal(failure));
                }
            });
        } catch (RuntimeException e) {
            // Thrown into the scheduler it would end the reconnects for good.
            lost(null, FailureReason.of(e));
        }
    }

    /** Why a handshake failed; a refusal by Kalshi says what to check, never the headers themselves. */
    private static String refusal(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            return "Kalshi refused the handshake with HTTP " + status
                    + (status == 401 ? ": check kalshi.api-key-id and kalshi.private-key-file" : "");
        }
        return FailureReason.of(cause);
    }

    @Override
    public synchronized void onOpen(WebSocket webSocket) {
        if (stopped) {
            // A handshake that was under way when the consumer stopped (this instance let the account go).
            webSocket.abort();
            return;
        }
        lastFrameNanos = System.nanoTime();
        partial.setLength(0);
        socket = webSocket;
        webSocket.sendText(SUBSCRIBE, true);
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text;
        // Under the lock that lost() and onOpen() take, so that a connection given up meanwhile leaves no fragment behind.
        synchronized (this) {
            if (stopped || webSocket != socket) {
                return null;
            }
            lastFrameNanos = System.nanoTime();
            if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
                webSocket.abort();
                lost(webSocket, "a message longer than " + MAX_MESSAGE_CHARS + " characters");
                return null;
            }
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            text = partial.toString();
            partial.setLength(0);
        }
        if (received(webSocket, text)) {
            webSocket.request(1);
        }
        return null;
    }

    /** @return whether to go on reading: not after Kalshi answered with an error, which closes this connection */
    private boolean received(WebSocket webSocket, String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (Exception e) {
            LOG.atWarn().setMessage("fills_feed_message_unreadable").addKeyValue("account", accountName)
                    .addKeyValue("reason", FailureReason.of(e)).addKeyValue("outcome", "skipped; the polls bring any fill it held").log();
            return true;
        }
        switch (message.path("type").asText()) {
            case "fill" -> deliver(message.path("msg"));
            case "subscribed" -> {
                failedAttempts = 0;
                account.status().feedSubscribed();
                LOG.atInfo().setMessage("fills_feed_subscribed").addKeyValue("account", accountName).addKeyValue("url", url.toString()).log();
            }
            case "error" -> {
                webSocket.abort();
                lost(webSocket, "Kalshi answered the subscription with an error: " + FailureReason.oneLine(message.path("msg").toString()));
                return false;
            }
            default -> {
                // Other channels' and control messages carry no fill.
            }
        }
        return true;
    }

    /** The JDK answers Kalshi's heartbeat with a Pong by itself; the ping shows the connection alive. */
    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        alive(webSocket);
        webSocket.request(1);
        return null;
    }

    /** The answer to this consumer's own ping. */
    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        alive(webSocket);
        webSocket.request(1);
        return null;
    }

    private void alive(WebSocket webSocket) {
        if (webSocket == socket) {
            lastFrameNanos = System.nanoTime();
        }
    }

    /** One fill through the route, in this thread, so that the next is read only after it. */
    private void deliver(JsonNode fill) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(fill);
        delivering = true;
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            lastFrameNanos = System.nanoTime();
            delivering = false;
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("a pushed fill of account '" + accountName + "' was not processed; the polls bring it",
                    exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lost(webSocket, "Kalshi closed the connection (" + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lost(webSocket, FailureReason.of(error));
    }

    /**
     * The connection is gone or never came: one line, and another attempt after a jittered, doubling delay.
     *
     * @param from the connection that ended, or null for a handshake that failed; news of an earlier one changes nothing
     */
    private synchronized void lost(WebSocket from, String reason) {
        if (from != socket || stopped) {
            return;
        }
        socket = null;
        partial.setLength(0);
        account.status().feedDisconnected(reason);
        long ceiling = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(failedAttempts, 20));
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        failedAttempts++;
        LOG.atWarn().setMessage("fills_feed_disconnected").addKeyValue("account", accountName).addKeyValue("reason", reason)
                .addKeyValue("outcome", "reconnecting in " + delay + " ms; the polls keep the table complete").log();
        reconnects.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }
}
