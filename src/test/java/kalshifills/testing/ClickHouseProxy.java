package kalshifills.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of ClickHouse's HTTP port that can let a request through and lose the answer (the server does the
 * work, the client waits until its socket times out: an insert that timed out after the server wrote it), or cut the
 * connection before a request reaches the server (an insert that failed).
 */
public final class ClickHouseProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int serverPort;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final AtomicInteger matchingRequests = new AtomicInteger();
    private volatile String marker = "";
    private volatile int refuseFrom = Integer.MAX_VALUE;
    private volatile int refuseUntil = Integer.MAX_VALUE;
    private volatile int longestRequestLine = Integer.MAX_VALUE;
    private final List<RequestHead> requestHeads = new CopyOnWriteArrayList<>();

    /** A request's first line (cut at 200 characters), that line's length, and its Content-Type (empty if none). */
    public record RequestHead(String line, int lineLength, String contentType) {
    }

    public ClickHouseProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        threads.submit(this::accept);
    }

    public String jdbcUrl() {
        return "jdbc:clickhouse://127.0.0.1:" + listener.getLocalPort();
    }

    /** The next {@code times} requests whose body contains {@code marker} reach the server; their answers are lost. */
    public void loseAnswersTo(String marker, int times) {
        this.marker = marker;
        answersToLose.set(times);
    }

    /** Of the requests whose body contains {@code marker}, lets {@code after} through and cuts the connection of the next {@code times}. */
    public void refuseRequestsTo(String marker, int after, int times) {
        this.marker = marker;
        refuseFrom = matchingRequests.get() + after + 1;
        refuseUntil = refuseFrom + times;
    }

    /** Answers 414 to a request whose first line (method, URL, version) is longer than {@code bytes}, as nginx does past 8 KB. */
    public void refuseRequestLinesLongerThan(int bytes) {
        longestRequestLine = bytes;
    }

    /** The requests seen so far, in order. */
    public List<RequestHead> requestHeads() {
        return List.copyOf(requestHeads);
    }

    /** Requests seen so far whose body contains the marker. */
    public int matchingRequests() {
        return matchingRequests.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket("127.0.0.1", serverPort);
                AtomicBoolean loseAnswers = new AtomicBoolean();
                threads.submit(() -> pump(client, server, loseAnswers, true));
                threads.submit(() -> pump(server, client, loseAnswers, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** In the body (JDBC statements, client-v2's lookups as a form) or in the URL's query parameter, encoded (client-v2's inserts). */
    private boolean carriesMarker(String bytes) {
        String encoded = URLEncoder.encode(marker, StandardCharsets.UTF_8);
        return bytes.contains(marker) || bytes.contains(encoded) || bytes.contains(encoded.replace("+", "%20"));
    }

    /**
     * The head of the request that starts this read, or null when the read goes on with one: the client sends one request
     * at a time on a connection, and the drivers here write at least the request line in one go (a line split across
     * reads would get through).
     */
    private static RequestHead requestHead(byte[] bytes, int length) {
        String start = new String(bytes, 0, Math.min(length, 5), StandardCharsets.ISO_8859_1);
        if (!start.startsWith("POST ") && !start.startsWith("GET ")) {
            return null;
        }
        String head = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        int lineEnd = head.indexOf('\r');
        lineEnd = lineEnd < 0 ? length : lineEnd;
        int headEnd = head.indexOf("\r\n\r\n");
        String contentType = head.substring(0, headEnd < 0 ? length : headEnd).lines()
                .filter(line -> line.regionMatches(true, 0, "Content-Type:", 0, 13)).map(line -> line.substring(13).trim()).findFirst().orElse("");
        return new RequestHead(head.substring(0, Math.min(lineEnd, 200)), lineEnd, contentType);
    }

    private void pump(Socket from, Socket to, AtomicBoolean loseAnswers, boolean request) {
        try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[65536];
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                RequestHead head = request ? requestHead(buffer, read) : null;
                if (head != null) {
                    requestHeads.add(head);
                }
                if (head != null && head.lineLength() > longestRequestLine) {
                    from.getOutputStream().write("HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                if (request && !marker.isEmpty() && carriesMarker(new String(buffer, 0, read, StandardCharsets.ISO_8859_1))) {
                    int seen = matchingRequests.incrementAndGet();
                    if (seen >= refuseFrom && seen < refuseUntil) {
                        return;
                    }
                    if (answersToLose.getAndDecrement() > 0) {
                        loseAnswers.set(true);
                    }
                }
                if (request || !loseAnswers.get()) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed: the other pump ends with it
        }
    }
}
