package kalshifills.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** Every log event while open, for tests that assert what the service logged: {@code try (var logs = CapturedLogs.capture())}. */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
    }

    public static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        logs.setContext(root().getLoggerContext());
        logs.start();
        root().addAppender(logs);
        return logs;
    }

    /** The key-value fields of every event with this name (the log message), in order. */
    public List<Map<String, Object>> events(String name) {
        return events.stream().filter(e -> name.equals(e.getMessage())).map(CapturedLogs::fields).toList();
    }

    /** Every event's message, formatted, with its fields and any stack trace: what could reach a log file. */
    public String everything() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent event : events) {
            all.append(event.getFormattedMessage()).append(' ').append(fields(event)).append('\n');
            for (var proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
                all.append(proxy.getClassName()).append(": ").append(proxy.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        Map<String, Object> fields = new HashMap<>();
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                fields.put(pair.key, pair.value);
            }
        }
        return fields;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
