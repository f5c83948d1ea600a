package kalshifills.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Kalshi's {@code GET /trade-api/v2/portfolio/fills} on localhost, for tests and the demo mode.
 *
 * <p>It behaves as Kalshi documents: newest fills first, pages of {@code limit} (1 to 1000, default 100) linked by an
 * opaque {@code cursor} that keeps no filters, {@code min_ts}/{@code max_ts} in Unix seconds, {@code ticker} and
 * {@code subaccount} filters, and a 401 for any request whose RSA-PSS signature does not verify against the account's
 * public key. It verifies signatures with its own code, independent of the client's signer, so that a mistake in the
 * signer cannot be mirrored here.
 */
public final class SimulatedKalshiApi implements AutoCloseable {

    /** Ways Kalshi, or what stands in front of it, sometimes answers instead of with the page asked for. */
    public enum Fault {
        /** 429 {@code {"error": "too many requests"}}, without {@code Retry-After}, as Kalshi's rate limiter answers. */
        RATE_LIMITED,
        /** 500 with Kalshi's error body. */
        SERVER_ERROR,
        /** 200 with an HTML page, as a proxy or a captive portal answers. */
        HTML_PAGE,
        /** 200 whose JSON stops halfway. */
        TRUNCATED_JSON,
        /** 200 whose {@code fills} is an object, not a list. */
        FILLS_NOT_A_LIST,
        /** The page asked for, but with the cursor the request came with, so a client following cursors loops. */
        SAME_CURSOR,
        /** The page asked for, {@link #SLOW_BY} late. */
        SLOW
    }

    public static final Duration SLOW_BY = Duration.ofSeconds(5);

    public static final String API_PREFIX = "/trade-api/v2";
    public static final String FILLS_PATH = API_PREFIX + "/portfolio/fills";
    private static final long MAX_CLOCK_SKEW_MILLIS = 60_000;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    static {
        // The JDK server writes headers and body apart; without TCP_NODELAY each response waits out a delayed ACK (40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String keyId;
    private final PublicKey publicKey;
    private final Clock clock;
    private final List<SimulatedFill> fills = new ArrayList<>();
    /** {@link #fills} newest first, sorted once after fills were added rather than for every page; null until then. */
    private List<SimulatedFill> newestFirst;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final List<Fault> script = new ArrayList<>();
    private final List<Instant> requestTimes = new CopyOnWriteArrayList<>();
    private final AtomicLong pagesServed = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile Duration responseDelay = Duration.ZERO;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    /** Starts listening on 127.0.0.1; port 0 picks a free one. */
    public SimulatedKalshiApi(String keyId, PublicKey publicKey, Clock clock, int port) throws IOException {
        this.keyId = keyId;
        this.publicKey = publicKey;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** What the client configures as its base URL, e.g. {@code http://127.0.0.1:40123/trade-api/v2}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + API_PREFIX;
    }

    public synchronized void addFills(Collection<SimulatedFill> newFills) {
        fills.addAll(newFills);
        newestFirst = null;
    }

    public synchronized int fillCount() {
        return fills.size();
    }

    /** Pages answered with 200. */
    public long pagesServed() {
        return pagesServed.get();
    }

    /** Requests answered with 401. */
    public long unauthorizedRequests() {
        return unauthorized.get();
    }

    /** Lets the next {@code afterRequests} fills requests through, then answers {@code times} of them with the fault. */
    public synchronized void failRequests(Fault fault, int afterRequests, int times) {
        while (script.size() < afterRequests + times) {
            script.add(null);
        }
        for (int i = afterRequests; i < afterRequests + times; i++) {
            script.set(i, fault);
        }
    }

    /** When each fills request arrived, oldest first. */
    public List<Instant> requestTimes() {
        return List.copyOf(requestTimes);
    }

    /** Answers every request only after this delay, like a slow exchange. */
    public void delayResponses(Duration delay) {
        responseDelay = delay;
    }

    /** The most requests this server has been holding back (see {@link #delayResponses}) at the same time. */
    public int mostConcurrentRequests() {
        return mostInFlight.get();
    }

    /** Every {@code KALSHI-ACCESS-SIGNATURE} received, so a test can check that none of them reached a log. */
    public List<String> signatures() {
        return List.copyOf(signatures);
    }

    /** The query string of every fills request received, oldest first. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            awaitResponseDelay();
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod()) || !FILLS_PATH.equals(path)) {
                respond(exchange, 404, error("not_found", "no route for " + exchange.getRequestMethod() + " " + path));
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            queries.add(query == null ? "" : query);
            requestTimes.add(clock.instant());
            if (!authenticated(exchange, path)) {
                unauthorized.incrementAndGet();
                respond(exchange, 401, "{\"error\":{\"code\":\"authentication_error\",\"message\":\"authentication_error\","
                        + "\"details\":\"INCORRECT_API_KEY_SIGNATURE\"}}");
                return;
            }
            Map<String, String> params = parameters(query);
            int limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : DEFAULT_LIMIT;
            if (limit < 1 || limit > MAX_LIMIT) {
                respond(exchange, 400, error("invalid_parameters", "limit must be between 1 and 1000"));
                return;
            }
            answer(exchange, params, limit, nextFault());
        } catch (NumberFormatException e) {
            respond(exchange, 400, error("invalid_parameters", "a numeric parameter is not a number"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A request counts as in flight only until its answer starts: once the client has read an answer it may send its next
     * request before this thread has returned, and that is not two requests side by side.
     */
    private void awaitResponseDelay() throws InterruptedException {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(responseDelay.toMillis());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private synchronized Fault nextFault() {
        return script.isEmpty() ? null : script.remove(0);
    }

    private void answer(HttpExchange exchange, Map<String, String> params, int limit, Fault fault) throws IOException, InterruptedException {
        if (fault == null) {
            respond(exchange, 200, page(params, limit));
            return;
        }
        switch (fault) {
            case RATE_LIMITED -> respond(exchange, 429, "{\"error\": \"too many requests\"}");
            case SERVER_ERROR -> respond(exchange, 500, error("internal_error", "internal server error"));
            case HTML_PAGE -> respond(exchange, 200, "text/html",
                    "<html><head><title>Service Unavailable</title></head>\n<body><h1>Please try again later</h1></body></html>");
            case TRUNCATED_JSON -> {
                String page = page(params, limit);
                respond(exchange, 200, page.substring(0, page.length() / 2));
            }
            case FILLS_NOT_A_LIST -> respond(exchange, 200, "{\"fills\": {\"0\": {}}, \"cursor\": \"\"}");
            case SAME_CURSOR -> respond(exchange, 200, page(params, limit)
                    .replaceFirst("\"cursor\":\"[^\"]*\"", "\"cursor\":\"" + params.getOrDefault("cursor", "") + "\""));
            case SLOW -> {
                Thread.sleep(SLOW_BY.toMillis());
                respond(exchange, 200, page(params, limit));
            }
            default -> throw new IllegalStateException("no answer for " + fault);
        }
    }

    private String page(Map<String, String> params, int limit) {
        List<SimulatedFill> matching = matching(params);
        String cursor = params.getOrDefault("cursor", "");
        int offset = cursor.isEmpty() ? 0 : Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        int end = Math.min(offset + limit, matching.size());
        StringBuilder body = new StringBuilder("{\"fills\":[");
        for (int i = offset; i < end; i++) {
            body.append(i > offset ? "," : "").append(matching.get(i).json());
        }
        String next = end < matching.size()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8))
                : "";
        pagesServed.incrementAndGet();
        return body.append("],\"cursor\":\"").append(next).append("\"}").toString();
    }

    /** The fills the filters select, newest first; fills of the same second in the order they were added. */
    private List<SimulatedFill> matching(Map<String, String> params) {
        List<SimulatedFill> all = newestFirst();
        int start = params.containsKey("max_ts") ? countAtOrAfter(all, Long.parseLong(params.get("max_ts")) + 1) : 0;
        int end = params.containsKey("min_ts") ? countAtOrAfter(all, Long.parseLong(params.get("min_ts"))) : all.size();
        List<SimulatedFill> inTimeRange = all.subList(start, Math.max(start, end));
        if (!params.containsKey("ticker") && !params.containsKey("subaccount")) {
            return inTimeRange;
        }
        List<SimulatedFill> matching = new ArrayList<>();
        for (SimulatedFill fill : inTimeRange) {
            if ((!params.containsKey("ticker") || fill.ticker().equals(params.get("ticker")))
                    && (!params.containsKey("subaccount") || fill.subaccount() == Integer.parseInt(params.get("subaccount")))) {
                matching.add(fill);
            }
        }
        return matching;
    }

    private synchronized List<SimulatedFill> newestFirst() {
        if (newestFirst == null) {
            List<SimulatedFill> sorted = new ArrayList<>(fills);
            sorted.sort(Comparator.comparingLong(SimulatedFill::epochSeconds).reversed());
            newestFirst = Collections.unmodifiableList(sorted);
        }
        return newestFirst;
    }

    /** How many fills of a newest-first list are at or after the epoch second: a binary search, for pages of big accounts. */
    private static int countAtOrAfter(List<SimulatedFill> newestFirst, long epochSecond) {
        int low = 0;
        int high = newestFirst.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (newestFirst.get(middle).epochSeconds() >= epochSecond) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private boolean authenticated(HttpExchange exchange, String path) {
        String key = exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-KEY");
        String timestamp = exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-TIMESTAMP");
        String signature = exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-SIGNATURE");
        if (signature != null) {
            signatures.add(signature);
        }
        if (!keyId.equals(key) || timestamp == null || signature == null || !timestamp.matches("\\d{13}")
                || Math.abs(clock.millis() - Long.parseLong(timestamp)) > MAX_CLOCK_SKEW_MILLIS) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            verifier.initVerify(publicKey);
            verifier.update((timestamp + exchange.getRequestMethod() + path).getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static String error(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"details\":\"\"}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "application/json", body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
