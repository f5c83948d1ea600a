package kalshifills.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Kalshi's fills endpoints on localhost, for tests and the demo mode: {@code GET /portfolio/fills},
 * {@code GET /historical/fills} and {@code GET /historical/cutoff}.
 *
 * <p>It behaves as Kalshi documents: newest fills first, pages of {@code limit} (1 to 1000, default 100) linked by an
 * opaque keyset {@code cursor} (the position of the last fill served, so it stays valid while new fills arrive at the
 * top or old ones move to the historical side) that keeps no filters; {@code min_ts}/{@code max_ts} in Unix seconds,
 * {@code ticker} and {@code subaccount} filters on the live endpoint; fills created before the historical cutoff served
 * only by {@code /historical/fills}, which takes {@code ticker}, {@code max_ts}, {@code limit} and {@code cursor} and ignores
 * anything else; the cutoff trailing the clock by three months unless a test moves it; and a 401 for any signed request
 * whose RSA-PSS signature does not verify against the account's public key ({@code /historical/cutoff} needs none). It
 * verifies signatures with its own code, independent of the client's signer, so that a mistake in the signer cannot be
 * mirrored here.
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
    public static final String HISTORICAL_FILLS_PATH = API_PREFIX + "/historical/fills";
    public static final String CUTOFF_PATH = API_PREFIX + "/historical/cutoff";
    /** Kalshi's target for live data: about three months. */
    public static final Duration LIVE_WINDOW = Duration.ofDays(90);
    /** The deprecated fields {@link #sendDeprecatedFields} leaves out. */
    private static final List<String> DEPRECATED_FIELDS = List.of("side", "action", "ts");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    static {
        // The JDK server writes headers and body apart; without TCP_NODELAY each response waits out a delayed ACK (40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** A fill and the order it was added in, which orders fills of the same second. */
    private record Entry(SimulatedFill fill, long sequence) {
    }

    /** Newest first; among fills of one second, the first added first. */
    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong((Entry entry) -> entry.fill().epochSeconds()).reversed()
            .thenComparingLong(Entry::sequence);

    private final SignatureCheck signatureCheck;
    private final Clock clock;
    private final List<Entry> fills = new ArrayList<>();
    /** {@link #fills} newest first, sorted once after fills were added rather than for every page; null until then. */
    private List<Entry> newestFirst;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final List<Fault> script = new ArrayList<>();
    private final List<Instant> requestTimes = new CopyOnWriteArrayList<>();
    private final AtomicLong pagesServed = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile Instant pinnedCutoff;
    /** Cutoff moves to make when the count of requests reaches the key. */
    private final Map<Integer, Instant> cutoffMoves = new HashMap<>();
    private volatile Duration liveWindow = LIVE_WINDOW;
    private volatile boolean deprecatedFields = true;
    private final HttpServer server;
    private SimulatedFillFeed feed;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    /** Starts listening on 127.0.0.1; port 0 picks a free one. */
    public SimulatedKalshiApi(String keyId, PublicKey publicKey, Clock clock, int port) throws IOException {
        this.signatureCheck = new SignatureCheck(keyId, publicKey, clock);
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
        for (SimulatedFill fill : newFills) {
            fills.add(new Entry(fill, fills.size()));
        }
        newestFirst = null;
    }

    /**
     * Fills that happen now: served by {@code /portfolio/fills} from now on and, as Kalshi does, pushed to the feed's
     * subscribers ({@link #feed}). {@link #addFills} adds fills that happened before, which no feed pushes.
     */
    public void fillsHappen(Collection<SimulatedFill> happened) {
        addFills(happened);
        SimulatedFillFeed open;
        synchronized (this) {
            open = feed;
        }
        if (open != null) {
            happened.forEach(open::publish);
        }
    }

    /** Kalshi's WebSocket {@code fill} channel for this account, on a port of its own, started on first use. */
    public synchronized SimulatedFillFeed feed() throws IOException {
        if (feed == null) {
            feed = new SimulatedFillFeed(signatureCheck.keyId(), signatureCheck.publicKey(), clock, 0);
        }
        return feed;
    }

    public synchronized int fillCount() {
        return fills.size();
    }

    /** Fills created before this time are served only by {@code /historical/fills} from now on, until it is moved again. */
    public void moveCutoffTo(Instant cutoff) {
        pinnedCutoff = cutoff;
    }

    /** Moves the cutoff as {@link #moveCutoffTo} does once {@code afterRequests} more requests have been answered: in the middle of a poll. */
    public synchronized void moveCutoffTo(Instant cutoff, int afterRequests) {
        cutoffMoves.put(requests.size() + afterRequests, cutoff);
    }

    /** The cutoff trails the clock by this much, moving on its own (the default: {@link #LIVE_WINDOW}). */
    public void keepLiveFor(Duration window) {
        liveWindow = window;
        pinnedCutoff = null;
    }

    /** Kalshi's {@code trades_created_ts} now, to the second. */
    public Instant cutoff() {
        Instant pinned = pinnedCutoff;
        return pinned != null ? pinned : clock.instant().minus(liveWindow).truncatedTo(ChronoUnit.SECONDS);
    }

    /** Whether fills are served with the deprecated {@code side}, {@code action} and {@code ts} (the default), or without. */
    public void sendDeprecatedFields(boolean send) {
        deprecatedFields = send;
    }

    /** Pages answered with 200. */
    public long pagesServed() {
        return pagesServed.get();
    }

    /** Requests answered with 401. */
    public long unauthorizedRequests() {
        return unauthorized.get();
    }

    /**
     * Lets the next {@code afterRequests} fills requests (live or historical) through, then answers {@code times} of them
     * with the fault.
     */
    public synchronized void failRequests(Fault fault, int afterRequests, int times) {
        while (script.size() < afterRequests + times) {
            script.add(null);
        }
        for (int i = afterRequests; i < afterRequests + times; i++) {
            script.set(i, fault);
        }
    }

    /** When each request arrived, of any endpoint, oldest first. */
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

    /** The query string of every {@code /portfolio/fills} request received, oldest first. */
    public List<String> queries() {
        String prefix = FILLS_PATH + "?";
        return requests.stream().filter(request -> request.startsWith(prefix)).map(request -> request.substring(prefix.length())).toList();
    }

    /** Every request received, of any endpoint, as path and query string ({@code /trade-api/v2/historical/fills?limit=...}). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        synchronized (this) {
            if (feed != null) {
                feed.close();
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            boolean historical = HISTORICAL_FILLS_PATH.equals(path);
            boolean cutoff = CUTOFF_PATH.equals(path);
            boolean known = "GET".equals(exchange.getRequestMethod()) && (FILLS_PATH.equals(path) || historical || cutoff);
            // Counted as it arrives, so that a request of a client killed while it waits is counted before the kill returns.
            if (known) {
                received(path + "?" + (query == null ? "" : query));
            }
            awaitResponseDelay();
            if (!known) {
                respond(exchange, 404, error("not_found", "no route for " + exchange.getRequestMethod() + " " + path));
                return;
            }
            if (cutoff) {
                String at = cutoff().toString();
                respond(exchange, 200, "{\"market_settled_ts\":\"" + at + "\",\"trades_created_ts\":\"" + at + "\",\"orders_updated_ts\":\""
                        + at + "\",\"market_positions_last_updated_ts\":\"" + at + "\"}");
                return;
            }
            if (!authenticated(exchange, path)) {
                unauthorized.incrementAndGet();
                respond(exchange, 401, "{\"error\":{\"code\":\"authentication_error\",\"message\":\"authentication_error\","
                        + "\"details\":\"INCORRECT_API_KEY_SIGNATURE\"}}");
                return;
            }
            Map<String, String> params = parameters(query);
            if (historical) {
                // The historical endpoint takes no min_ts and no subaccount: a client that sends them gets everything.
                params.remove("min_ts");
                params.remove("subaccount");
            }
            int limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : DEFAULT_LIMIT;
            if (limit < 1 || limit > MAX_LIMIT) {
                respond(exchange, 400, error("invalid_parameters", "limit must be between 1 and 1000"));
                return;
            }
            answer(exchange, new PageRequest(historical, params, limit), nextFault());
        } catch (NumberFormatException e) {
            respond(exchange, 400, error("invalid_parameters", "a numeric parameter is not a number"));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error("invalid_parameters", "the cursor is not one this server gave"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void received(String request) {
        requests.add(request);
        requestTimes.add(clock.instant());
        Instant move = cutoffMoves.remove(requests.size() - 1);
        if (move != null) {
            pinnedCutoff = move;
        }
    }

    /** One page asked for: of which side of the cutoff, with which parameters. */
    private record PageRequest(boolean historical, Map<String, String> params, int limit) {
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

    private void answer(HttpExchange exchange, PageRequest request, Fault fault) throws IOException, InterruptedException {
        if (fault == null) {
            respond(exchange, 200, page(request));
            return;
        }
        switch (fault) {
            case RATE_LIMITED -> respond(exchange, 429, "{\"error\": \"too many requests\"}");
            case SERVER_ERROR -> respond(exchange, 500, error("internal_error", "internal server error"));
            case HTML_PAGE -> respond(exchange, 200, "text/html",
                    "<html><head><title>Service Unavailable</title></head>\n<body><h1>Please try again later</h1></body></html>");
            case TRUNCATED_JSON -> {
                String page = page(request);
                respond(exchange, 200, page.substring(0, page.length() / 2));
            }
            case FILLS_NOT_A_LIST -> respond(exchange, 200, "{\"fills\": {\"0\": {}}, \"cursor\": \"\"}");
            case SAME_CURSOR -> respond(exchange, 200, page(request)
                    .replaceFirst("\"cursor\":\"[^\"]*\"", "\"cursor\":\"" + request.params().getOrDefault("cursor", "") + "\""));
            case SLOW -> {
                Thread.sleep(SLOW_BY.toMillis());
                respond(exchange, 200, page(request));
            }
            default -> throw new IllegalStateException("no answer for " + fault);
        }
    }

    /**
     * The fills the request selects, newest first, starting after the cursor's fill: {@code limit} of them, and a cursor
     * naming the last one when more follow.
     */
    private String page(PageRequest request) {
        Map<String, String> params = request.params();
        List<Entry> all = newestFirst();
        int live = countAtOrAfter(all, cutoff().getEpochSecond());
        int from = request.historical() ? live : 0;
        int to = request.historical() ? all.size() : live;
        if (params.containsKey("max_ts")) {
            from = Math.max(from, countAtOrAfter(all, Long.parseLong(params.get("max_ts")) + 1));
        }
        if (params.containsKey("min_ts")) {
            to = Math.min(to, countAtOrAfter(all, Long.parseLong(params.get("min_ts"))));
        }
        String cursor = params.getOrDefault("cursor", "");
        if (!cursor.isEmpty()) {
            from = Math.max(from, after(all, cursor));
        }
        StringBuilder body = new StringBuilder("{\"fills\":[");
        Entry last = null;
        int served = 0;
        boolean more = false;
        for (int i = from; i < to; i++) {
            Entry entry = all.get(i);
            if (!selected(entry.fill(), params)) {
                continue;
            }
            if (served == request.limit()) {
                more = true;
                break;
            }
            body.append(served > 0 ? "," : "").append(deprecatedFields ? entry.fill().json() : withoutDeprecatedFields(entry.fill().json()));
            last = entry;
            served++;
        }
        pagesServed.incrementAndGet();
        String next = more ? cursorOf(last) : "";
        return body.append("],\"cursor\":\"").append(next).append("\"}").toString();
    }

    private static boolean selected(SimulatedFill fill, Map<String, String> params) {
        return (!params.containsKey("ticker") || fill.ticker().equals(params.get("ticker")))
                && (!params.containsKey("subaccount") || fill.subaccount() == Integer.parseInt(params.get("subaccount")));
    }

    /** Opaque to the client, as Kalshi's: the time and order of the last fill served. */
    private static String cursorOf(Entry last) {
        String position = last.fill().epochSeconds() + ":" + last.sequence();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the fills after the cursor's fill start in a newest-first list. */
    private static int after(List<Entry> newestFirst, String cursor) {
        String[] position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
        if (position.length != 2) {
            throw new IllegalArgumentException("not a cursor: " + cursor);
        }
        long seconds = Long.parseLong(position[0]);
        long sequence = Long.parseLong(position[1]);
        int low = 0;
        int high = newestFirst.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            Entry entry = newestFirst.get(middle);
            int order = entry.fill().epochSeconds() != seconds ? Long.compare(seconds, entry.fill().epochSeconds())
                    : Long.compare(entry.sequence(), sequence);
            if (order <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Today's schema without the deprecated fields; a fill of an older schema (no {@code outcome_side}) as it was. */
    private static String withoutDeprecatedFields(String json) {
        try {
            ObjectNode fill = (ObjectNode) JSON.readTree(json);
            if (!fill.has("outcome_side")) {
                return json;
            }
            fill.remove(DEPRECATED_FIELDS);
            return fill.toString();
        } catch (IOException | ClassCastException e) {
            return json;
        }
    }

    private synchronized List<Entry> newestFirst() {
        if (newestFirst == null) {
            List<Entry> sorted = new ArrayList<>(fills);
            sorted.sort(NEWEST_FIRST);
            newestFirst = Collections.unmodifiableList(sorted);
        }
        return newestFirst;
    }

    /** How many fills of a newest-first list are at or after the epoch second: a binary search, for pages of big accounts. */
    private static int countAtOrAfter(List<Entry> newestFirst, long epochSecond) {
        int low = 0;
        int high = newestFirst.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (newestFirst.get(middle).fill().epochSeconds() >= epochSecond) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private boolean authenticated(HttpExchange exchange, String path) {
        String signature = exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-SIGNATURE");
        if (signature != null) {
            signatures.add(signature);
        }
        return signatureCheck.accepts(exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-KEY"),
                exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-TIMESTAMP"), signature, exchange.getRequestMethod(), path);
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
