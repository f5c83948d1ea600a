package kalshifills.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Polls until a value is what a test expects, or fails at the deadline with the last value seen. */
public final class Eventually {

    private static final long POLL_MILLIS = 50;

    private Eventually() {
    }

    public static <T> void equals(T expected, Supplier<T> actual, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        for (T last = actual.get(); !Objects.equals(expected, last); last = actual.get()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("expected " + expected + " within " + deadline + ", last saw " + last);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + expected, e);
            }
        }
    }
}
