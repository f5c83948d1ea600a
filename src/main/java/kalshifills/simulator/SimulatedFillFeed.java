package kalshifills.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelFuture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;

/**
 * A stand-in for Kalshi's WebSocket {@code fill} channel on localhost, for tests and the demo mode: {@code ws://127.0.0.1:<port>/trade-api/ws/v2}.
 *
 * <p>It behaves as Kalshi documents: the upgrade carries {@code KALSHI-ACCESS-KEY}, {@code KALSHI-ACCESS-TIMESTAMP} (epoch
 * milliseconds, within a minute of the clock) and {@code KALSHI-ACCESS-SIGNATURE} (RSA-PSS over
 * {@code timestamp + "GET" + "/trade-api/ws/v2"}), and an upgrade whose signature does not verify against the account's
 * public key is refused with 401; {@code {"id":1,"cmd":"subscribe","params":{"channels":["fill"]}}} is answered with
 * {@code {"id":1,"type":"subscribed","msg":{"channel":"fill","sid":1}}}, after which every {@link #publish published} fill
 * reaches the connection as {@code {"type":"fill","sid":1,"msg":{...}}} in the channel's own shape (see
 * {@link #feedMessage}); every connection gets a Ping frame with the body {@code heartbeat} every 10 s, as Kalshi's
 * "Connection Keep-Alive" says (the interval can be shortened for tests); a command it cannot serve is answered with {@code {"id":..,"type":"error","msg":{"code":..,"msg":".."}}}
 * and Kalshi's code and text for the case: 1 "Unable to process message" (not a JSON object), 2 "Params required",
 * 3 "Channels required", 5 "Unknown command", 6 "Already subscribed", 8 "Unknown channel name". Like
 * {@link SimulatedKalshiApi} it verifies signatures with its own code, independent of the client's signer.
 *
 * <p>Checked against docs.kalshi.com: "WebSocket quick start" (URL, headers, signed message), "WebSocket Connection" (the
 * AsyncAPI spec's subscribe command, subscribed and error responses and error code table), "User Fills" (the fill message
 * and its fields, and that the channel ignores a market specification, which this feed ignores too) and "Connection
 * Keep-Alive"; the quick start as Kalshi serves it, the others through copies quoting them. Where this still differs from Kalshi: plain {@code ws://}; only the {@code fill} channel, so Kalshi's other
 * channels are answered with code 8 as unknown, and only {@code subscribe}, so {@code unsubscribe},
 * {@code update_subscription} and {@code list_subscriptions} are answered with code 5; an upgrade without the headers is refused, where older Kalshi docs allowed unauthenticated connections for
 * public channels, and the 401's body is REST's, Kalshi's being undocumented; sids are numbered across the feed (Kalshi
 * documents only a server-chosen integer from 1); a fill message carries only what the REST fill held, so no {@code post_position_fp} or
 * {@code purchased_side}, and no {@code trade_id} for a recorded fill without an id.
 */
public final class SimulatedFillFeed implements AutoCloseable {

    public static final String PATH = "/trade-api/ws/v2";
    public static final String CHANNEL = "fill";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A REST {@code ts} this large is in milliseconds, as some recorded payloads hold it. */
    private static final long SMALLEST_MILLISECONDS_TS = 100_000_000_000L;
    private static final String UNAUTHORIZED_BODY = "{\"error\":{\"code\":\"authentication_error\",\"message\":\"authentication_error\","
            + "\"details\":\"INCORRECT_API_KEY_SIGNATURE\"}}";

    /** An open WebSocket and the sid of its fill subscription, null until it subscribes. */
    private static final class Connection {
        final ServerWebSocket webSocket;
        volatile Integer fillSid;
        /** Half-open: the connection stays up but nothing reaches the client any more, as when a NAT between forgets it. */
        volatile boolean silent;

        Connection(ServerWebSocket webSocket) {
            this.webSocket = webSocket;
        }
    }

    private final SignatureCheck signatureCheck;
    private final Vertx vertx;
    private final HttpServer server;
    private final Map<ServerWebSocket, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger lastSid = new AtomicInteger();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong pings = new AtomicLong();
    private final AtomicLong clientPings = new AtomicLong();
    private volatile Duration pingInterval = Duration.ofSeconds(10);

    /** Starts listening on 127.0.0.1, on a Vert.x of its own; port 0 picks a free one. */
    public SimulatedFillFeed(String keyId, PublicKey publicKey, Clock clock, int port) throws IOException {
        this.signatureCheck = new SignatureCheck(keyId, publicKey, clock);
        this.vertx = Vertx.vertx();
        try {
            this.server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                    .requestHandler(this::handle)
                    .listen());
        } catch (CompletionException e) {
            await(vertx.close());
            throw new IOException("cannot listen on 127.0.0.1:" + port, e.getCause());
        }
    }

    /** What the client connects to, e.g. {@code ws://127.0.0.1:40123/trade-api/ws/v2}. */
    public String url() {
        return "ws://127.0.0.1:" + server.actualPort() + PATH;
    }

    /**
     * Sends the fill to every connection subscribed to the fill channel. Publishing is serialised, so every connection
     * receives fills in the one order they were published in, whichever threads publish.
     */
    public synchronized void publish(SimulatedFill fill) {
        ObjectNode msg;
        try {
            msg = feedMessage(JSON.readTree(fill.json()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a simulated fill that is not JSON", e);
        }
        for (Connection connection : connections.values()) {
            Integer sid = connection.fillSid;
            if (sid != null && !connection.silent) {
                ObjectNode message = JSON.createObjectNode().put("type", "fill").put("sid", sid);
                message.set("msg", msg);
                // Vert.x hands a write from outside the event loop to it in call order, behind any write already queued.
                connection.webSocket.writeTextMessage(message.toString());
                published.incrementAndGet();
            }
        }
    }

    /**
     * Cuts every open connection as a network failure or a restart of Kalshi's side would: the TCP connection is closed
     * (a FIN, not a reset) with no WebSocket close frame. {@code ServerWebSocket.close()}, and even closing the Netty
     * channel, would send one, a clean close, because Vert.x's handler in the channel's pipeline turns a close into a
     * close handshake; so the close starts below that handler, at the front of the pipeline, reached through Vert.x's
     * internal {@link WebSocketInternal}. Returns once the sockets are closed; nothing published afterwards reaches them.
     */
    public synchronized void dropConnections() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (ServerWebSocket webSocket : connections.keySet()) {
            connections.remove(webSocket);
            closing.add(((WebSocketInternal) webSocket).channelHandlerContext().pipeline().firstContext().close());
        }
        closing.forEach(ChannelFuture::syncUninterruptibly);
    }

    /**
     * Leaves every open connection up but sends nothing more on it, neither fills, pings nor pongs, and reads nothing from it:
     * half-open, as after a NAT or a load balancer between dropped the connection without telling either side. Only a
     * client that watches for the heartbeat notices. Connections opened afterwards are served normally.
     */
    public void goSilent() {
        for (Connection connection : connections.values()) {
            connection.silent = true;
            // Vert.x answers a ping by itself as it reads it; a connection that reads nothing answers nothing.
            ((WebSocketInternal) connection.webSocket).channelHandlerContext().channel().config().setAutoRead(false);
        }
    }

    /** The heartbeat interval of connections opened from now on (Kalshi's is 10 s). */
    public void pingEvery(Duration interval) {
        pingInterval = interval;
    }

    /** Ping frames sent, across connections. */
    public long pings() {
        return pings.get();
    }

    /** Ping frames received from clients (each answered with a pong by Vert.x). */
    public long clientPings() {
        return clientPings.get();
    }

    /** Open connections subscribed to the fill channel, but for silent ones. */
    public int subscribedConnections() {
        return (int) connections.values().stream().filter(connection -> connection.fillSid != null && !connection.silent).count();
    }

    /** Upgrades that passed authentication, counted before the upgrade is answered. */
    public long handshakes() {
        return handshakes.get();
    }

    /** Upgrades refused with 401, counted before the refusal is answered. */
    public long unauthorizedHandshakes() {
        return unauthorized.get();
    }

    /** Fill messages sent: one for each subscribed connection a fill was published to. */
    public long published() {
        return published.get();
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    /**
     * A REST fill ({@code GET /portfolio/fills}, in any of the shapes Kalshi has served) as the fill channel's {@code msg}:
     * {@code trade_id} for {@code fill_id}, {@code market_ticker} for {@code ticker}, {@code yes_price_dollars} but no
     * {@code no_price_dollars}, {@code count_fp}, {@code ts} in seconds and {@code ts_ms} in milliseconds (from
     * {@code created_time}, truncated), {@code subaccount} for {@code subaccount_number}; a field the REST fill lacks is left
     * out.
     */
    public static ObjectNode feedMessage(JsonNode restFill) {
        ObjectNode msg = JSON.createObjectNode();
        copy(restFill, restFill.hasNonNull("fill_id") ? "fill_id" : "trade_id", msg, "trade_id");
        copy(restFill, "order_id", msg, "order_id");
        copy(restFill, restFill.hasNonNull("ticker") ? "ticker" : "market_ticker", msg, "market_ticker");
        copy(restFill, "is_taker", msg, "is_taker");
        copy(restFill, "side", msg, "side");
        copy(restFill, "action", msg, "action");
        String yesPrice = yesPriceDollars(restFill);
        if (yesPrice != null) {
            msg.put("yes_price_dollars", yesPrice);
        }
        if (restFill.hasNonNull("count_fp")) {
            copy(restFill, "count_fp", msg, "count_fp");
        } else if (restFill.hasNonNull("count")) {
            msg.put("count_fp", new BigDecimal(restFill.get("count").asText()).setScale(2).toPlainString());
        }
        copy(restFill, "fee_cost", msg, "fee_cost");
        Long millis = epochMillis(restFill);
        if (millis != null) {
            msg.put("ts", Math.floorDiv(millis, 1000)).put("ts_ms", millis);
        }
        copy(restFill, "outcome_side", msg, "outcome_side");
        copy(restFill, "book_side", msg, "book_side");
        copy(restFill, "exchange_index", msg, "exchange_index");
        copy(restFill, "client_order_id", msg, "client_order_id");
        copy(restFill, "subaccount_number", msg, "subaccount");
        return msg;
    }

    private static void copy(JsonNode from, String name, ObjectNode to, String as) {
        if (from.hasNonNull(name)) {
            to.set(as, from.get(name));
        }
    }

    /** Dollars as the REST fill has them, else from its legacy cents, of the yes side or of the no side (100 minus). */
    private static String yesPriceDollars(JsonNode restFill) {
        if (restFill.hasNonNull("yes_price_dollars")) {
            return restFill.get("yes_price_dollars").asText();
        }
        if (restFill.hasNonNull("yes_price")) {
            return BigDecimal.valueOf(restFill.get("yes_price").asLong(), 2).setScale(4).toPlainString();
        }
        if (restFill.hasNonNull("no_price")) {
            return BigDecimal.valueOf(100 - restFill.get("no_price").asLong(), 2).setScale(4).toPlainString();
        }
        return null;
    }

    /** {@code created_time} to the millisecond, else the legacy {@code ts} (seconds, or milliseconds in some recorded payloads). */
    private static Long epochMillis(JsonNode restFill) {
        if (restFill.hasNonNull("created_time")) {
            return OffsetDateTime.parse(restFill.get("created_time").asText()).toInstant().toEpochMilli();
        }
        if (restFill.hasNonNull("ts")) {
            long ts = restFill.get("ts").asLong();
            return ts >= SMALLEST_MILLISECONDS_TS ? ts : ts * 1000;
        }
        return null;
    }

    private void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET || !PATH.equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        if (!authenticated(request.headers())) {
            unauthorized.incrementAndGet();
            request.response().setStatusCode(401).putHeader("Content-Type", "application/json").end(UNAUTHORIZED_BODY);
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            request.response().setStatusCode(400).end();
            return;
        }
        handshakes.incrementAndGet();
        request.toWebSocket().onSuccess(this::opened);
    }

    private void opened(ServerWebSocket webSocket) {
        Connection connection = new Connection(webSocket);
        connections.put(webSocket, connection);
        long heartbeat = vertx.setPeriodic(pingInterval.toMillis(), timer -> {
            if (!connection.silent) {
                webSocket.writePing(Buffer.buffer("heartbeat"));
                pings.incrementAndGet();
            }
        });
        webSocket.closeHandler(closed -> {
            vertx.cancelTimer(heartbeat);
            connections.remove(webSocket);
        });
        // A client that goes away mid-write is part of what this feed is for; Vert.x would log each as unhandled.
        webSocket.exceptionHandler(failure -> { });
        webSocket.textMessageHandler(text -> {
            if (!connection.silent) {
                command(connection, text);
            }
        });
        webSocket.frameHandler(frame -> {
            if (frame.isPing()) {
                clientPings.incrementAndGet();
            }
        });
    }

    /** Runs on the connection's event loop, one command at a time. */
    private void command(Connection connection, String text) {
        JsonNode command;
        try {
            command = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            command = null;
        }
        if (command == null || !command.isObject()) {
            error(connection, null, 1, "Unable to process message");
            return;
        }
        JsonNode id = command.get("id");
        if (!"subscribe".equals(command.path("cmd").asText())) {
            error(connection, id, 5, "Unknown command");
            return;
        }
        JsonNode params = command.get("params");
        if (params == null || !params.isObject()) {
            error(connection, id, 2, "Params required");
            return;
        }
        JsonNode channels = params.get("channels");
        if (channels == null || !channels.isArray() || channels.isEmpty()) {
            error(connection, id, 3, "Channels required");
            return;
        }
        // One answer per channel named, as Kalshi gives: subscribed for one and an error for another of the same command.
        for (JsonNode channel : channels) {
            if (!CHANNEL.equals(channel.asText())) {
                error(connection, id, 8, "Unknown channel name");
            } else if (connection.fillSid != null) {
                error(connection, id, 6, "Already subscribed");
            } else {
                subscribe(connection, id);
            }
        }
    }

    private void subscribe(Connection connection, JsonNode id) {
        int sid = lastSid.incrementAndGet();
        ObjectNode reply = JSON.createObjectNode();
        if (id != null) {
            reply.set("id", id);
        }
        reply.put("type", "subscribed").putObject("msg").put("channel", CHANNEL).put("sid", sid);
        connection.webSocket.writeTextMessage(reply.toString());
        // Only after the reply is written (or queued), so that no fill published meanwhile overtakes it.
        connection.fillSid = sid;
    }

    private static void error(Connection connection, JsonNode id, int code, String message) {
        ObjectNode reply = JSON.createObjectNode();
        if (id != null) {
            reply.set("id", id);
        }
        reply.put("type", "error").putObject("msg").put("code", code).put("msg", message);
        connection.webSocket.writeTextMessage(reply.toString());
    }

    private boolean authenticated(MultiMap headers) {
        return signatureCheck.accepts(headers.get("KALSHI-ACCESS-KEY"), headers.get("KALSHI-ACCESS-TIMESTAMP"), headers.get("KALSHI-ACCESS-SIGNATURE"),
                "GET", PATH);
    }

    /** Waits for a Vert.x result; a failure is thrown as the {@link CompletionException} that holds it. */
    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().join();
    }
}
