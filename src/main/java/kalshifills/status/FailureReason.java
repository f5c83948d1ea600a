package kalshifills.status;

/** How a failure reads in a log event's {@code reason}: one line and of bounded length, whatever the exception carries. */
public final class FailureReason {

    private static final int MAX_CHARS = 300;

    private FailureReason() {
    }

    /**
     * The root cause first, as it usually says what is wrong ({@code ConnectException: Connection refused}), then the
     * exception that reported it unless it only repeats the cause: simple class names and messages, on one line.
     */
    public static String of(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root.getClass().getSimpleName() + ": " + root.getMessage();
        boolean saysNoMore = root == failure || (failure.getMessage() != null && root.getMessage() != null
                && root.getMessage().contains(failure.getMessage().strip()));
        return oneLine(saysNoMore ? cause : cause + " (in " + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")");
    }

    /** Any text collapsed onto one line and cut at a bounded length, however many lines a server or parser produced. */
    public static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_CHARS ? line : line.substring(0, MAX_CHARS) + "...";
    }
}
