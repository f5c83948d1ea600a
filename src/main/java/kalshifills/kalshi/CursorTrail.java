package kalshifills.kalshi;

import java.util.HashSet;
import java.util.Set;

/** The cursors one walk through the fills pages has been given: following a cursor given before would loop forever. */
final class CursorTrail {

    private final Set<String> seen = new HashSet<>();
    private int pages;

    /** @throws KalshiResponseException when {@code next} is the cursor of an earlier page */
    void follow(String next) {
        pages++;
        if (!next.isEmpty() && !seen.add(next)) {
            throw new KalshiResponseException("the fills endpoint returned the cursor of an earlier page again after " + pages
                    + " pages; stopping instead of looping");
        }
    }
}
