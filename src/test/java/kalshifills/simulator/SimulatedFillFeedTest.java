package kalshifills.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiKeyFile;
import kalshifills.simulator.SimulatedFills.Shape;
import kalshifills.simulator.SimulatedFills.Trade;
import kalshifills.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class SimulatedFillFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrivateKey KEY = KalshiKeyFile.read(TestKeys.PKCS8_PRIVATE_KEY);
    private static final Instant FILLED = Instant.parse("2026-08-18T14:03:27.123456Z");

    private final SimulatedFillFeed feed = new SimulatedFillFeed(TestKeys.KEY_ID, TestKeys.publicKey(), Clock.systemUTC(), 0);
    private final HttpClient http = HttpClient.newHttpClient();

    SimulatedFillFeedTest() throws Exception {
    }

    @AfterEach
    void close() {
        feed.close();
    }

    /** What a client's listener saw: whole text messages, and how the connection ended. */
    private static final class Received implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            // Asked for before the test can see the message, so that a drop right after it finds demand outstanding: in
            // CI the second of two dropped connections once went unreported for 5 s, the request still to come.
            webSocket.request(1);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (JsonProcessingException e) {
                    ended.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete("onClose " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete("onError " + error);
        }

        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("a message within 5 s").isNotNull();
            return message;
        }
    }

    private static String sign(String message) throws Exception {
        Signature signer = Signature.getInstance("RSASSA-PSS");
        signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        signer.initSign(KEY);
        signer.update(message.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private CompletableFuture<WebSocket> connect(Received listener, String signedPath) throws Exception {
        String timestamp = Long.toString(System.currentTimeMillis());
        return http.newWebSocketBuilder()
                .header("KALSHI-ACCESS-KEY", TestKeys.KEY_ID)
                .header("KALSHI-ACCESS-TIMESTAMP", timestamp)
                .header("KALSHI-ACCESS-SIGNATURE", sign(timestamp + "GET" + signedPath))
                .buildAsync(URI.create(feed.url()), listener);
    }

    private WebSocket subscribed(Received listener) throws Exception {
        WebSocket webSocket = connect(listener, SimulatedFillFeed.PATH).get(5, TimeUnit.SECONDS);
        webSocket.sendText("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"fill\"]}}", true).get(5, TimeUnit.SECONDS);
        JsonNode reply = listener.next();
        assertThat(reply.toString()).isEqualTo("{\"id\":1,\"type\":\"subscribed\",\"msg\":{\"channel\":\"fill\",\"sid\":" + reply.at("/msg/sid") + "}}");
        return webSocket;
    }

    private static Trade trade(String id, Instant time, int subaccount) {
        return new Trade(id, "ee587a1c-8b87-4dcf-b721-9f6f790619fa", "mm-7", "KXHIGHNY-26AUG18-B85.5", "no", "buy", 10, 42, "0.1800", true, time,
                subaccount);
    }

    @Test
    void a_signed_client_subscribes_and_receives_published_fills_in_the_channel_shape_in_publish_order() throws Exception {
        Received client = new Received();
        subscribed(client);
        assertThat(feed.handshakes()).isEqualTo(1);
        assertThat(feed.subscribedConnections()).isEqualTo(1);

        SimulatedFill fill = trade("2f6c1e0a-5b7d-4c1e-9a53-0d8f3e7b9c21", FILLED, 3).in(Shape.CURRENT);
        feed.publish(fill);
        JsonNode message = client.next();

        JsonNode rest = JSON.readTree(fill.json());
        assertThat(message.get("type").asText()).isEqualTo("fill");
        assertThat(message.get("sid").asInt()).isEqualTo(1);
        JsonNode msg = message.get("msg");
        assertThat(msg.get("trade_id").asText()).isEqualTo(rest.get("fill_id").asText());
        assertThat(msg.get("market_ticker").asText()).isEqualTo("KXHIGHNY-26AUG18-B85.5");
        assertThat(msg.get("ts_ms").asLong()).isEqualTo(Instant.parse(rest.get("created_time").asText()).toEpochMilli()).isEqualTo(1787061807123L);
        assertThat(msg.get("ts").asLong()).isEqualTo(1787061807L);
        assertThat(msg.get("yes_price_dollars").asText()).isEqualTo("0.4200");
        assertThat(msg.get("count_fp").asText()).isEqualTo("10.00");
        assertThat(msg.get("fee_cost").asText()).isEqualTo("0.1800");
        assertThat(msg.get("subaccount").asInt()).isEqualTo(3);
        assertThat(msg.get("outcome_side").asText()).isEqualTo("no");
        assertThat(msg.has("no_price_dollars")).isFalse();
        assertThat(msg.has("fill_id")).isFalse();
        assertThat(msg.has("ticker")).isFalse();
        assertThat(msg.has("subaccount_number")).isFalse();

        SimulatedFills fills = new SimulatedFills(7);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SimulatedFill next = fills.current(FILLED.plusSeconds(i));
            sent.add(JSON.readTree(next.json()).get("fill_id").asText());
            feed.publish(next);
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            received.add(client.next().at("/msg/trade_id").asText());
        }
        assertThat(received).isEqualTo(sent);
        assertThat(feed.published()).isEqualTo(51);
    }

    @Test
    void commands_it_cannot_serve_are_answered_with_kalshis_error_messages() throws Exception {
        Received client = new Received();
        WebSocket webSocket = subscribed(client);

        webSocket.sendText("{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"fill\",\"bogus\"]}}", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next().toString()).isEqualTo("{\"id\":2,\"type\":\"error\",\"msg\":{\"code\":6,\"msg\":\"Already subscribed\"}}");
        assertThat(client.next().toString()).isEqualTo("{\"id\":2,\"type\":\"error\",\"msg\":{\"code\":8,\"msg\":\"Unknown channel name\"}}");
        webSocket.sendText("{\"id\":3,\"cmd\":\"list_subscriptions\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next().toString()).isEqualTo("{\"id\":3,\"type\":\"error\",\"msg\":{\"code\":5,\"msg\":\"Unknown command\"}}");
        webSocket.sendText("{\"id\":4,\"cmd\":\"subscribe\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next().toString()).isEqualTo("{\"id\":4,\"type\":\"error\",\"msg\":{\"code\":2,\"msg\":\"Params required\"}}");
        webSocket.sendText("{\"id\":5,", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next().toString()).isEqualTo("{\"type\":\"error\",\"msg\":{\"code\":1,\"msg\":\"Unable to process message\"}}");
        assertThat(feed.subscribedConnections()).isEqualTo(1);
    }

    @Test
    void a_handshake_signed_for_another_path_is_refused_with_401_and_counted() throws Exception {
        Received client = new Received();
        Throwable refused = catchThrowable(() -> connect(client, "/trade-api/v2/portfolio/fills").join());

        assertThat(refused).isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(401);
        assertThat(feed.unauthorizedHandshakes()).isEqualTo(1);
        assertThat(feed.handshakes()).isZero();
    }

    @Test
    void dropped_connections_end_without_a_close_frame_and_receive_nothing_more() throws Exception {
        Received first = new Received();
        Received second = new Received();
        subscribed(first);
        subscribed(second);
        assertThat(feed.subscribedConnections()).isEqualTo(2);

        feed.dropConnections();

        // 1006 is what the JDK client reports for a connection that ended without a close frame; a clean close would be 1000.
        assertThat(first.ended.get(5, TimeUnit.SECONDS)).matches("onClose 1006|onError .*");
        assertThat(second.ended.get(5, TimeUnit.SECONDS)).matches("onClose 1006|onError .*");
        assertThat(feed.subscribedConnections()).isZero();
        feed.publish(new SimulatedFills(3).current(FILLED));
        assertThat(feed.published()).isZero();
    }

    @Test
    void a_legacy_fill_gets_the_channel_fields_from_its_cents_count_and_created_time() throws Exception {
        JsonNode legacy = JSON.readTree(trade("d91bc706-ee49-470d-82d8-11418bda6fed", FILLED, 0).in(Shape.LEGACY_CENTS).json());

        JsonNode msg = SimulatedFillFeed.feedMessage(legacy);

        assertThat(msg.toString()).isEqualTo("{\"trade_id\":\"d91bc706-ee49-470d-82d8-11418bda6fed\",\"order_id\":\"ee587a1c-8b87-4dcf-b721-9f6f790619fa\","
                + "\"market_ticker\":\"KXHIGHNY-26AUG18-B85.5\",\"is_taker\":true,\"side\":\"no\",\"action\":\"buy\",\"yes_price_dollars\":\"0.4200\","
                + "\"count_fp\":\"10.00\",\"ts\":1787061807,\"ts_ms\":1787061807123,\"client_order_id\":\"mm-7\"}");
    }

    @Test
    void a_recorded_fill_without_id_or_created_time_gets_its_yes_price_from_the_no_price_and_its_time_from_ts() throws Exception {
        JsonNode recorded = JSON.readTree("{\"order_id\":\"o-1\",\"market_ticker\":\"INXD-26JAN11-B5900\",\"side\":\"no\",\"action\":\"buy\","
                + "\"count\":5,\"no_price\":58,\"ts\":1768175532123}");

        JsonNode msg = SimulatedFillFeed.feedMessage(recorded);

        assertThat(msg.toString()).isEqualTo("{\"order_id\":\"o-1\",\"market_ticker\":\"INXD-26JAN11-B5900\",\"side\":\"no\",\"action\":\"buy\","
                + "\"yes_price_dollars\":\"0.4200\",\"count_fp\":\"5.00\",\"ts\":1768175532,\"ts_ms\":1768175532123}");
    }
}
