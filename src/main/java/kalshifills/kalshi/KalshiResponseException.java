package kalshifills.kalshi;

/** Kalshi answered, but not with something a poll can use; the message says what came back. */
public final class KalshiResponseException extends RuntimeException {

    public KalshiResponseException(String message) {
        super(message);
    }
}
