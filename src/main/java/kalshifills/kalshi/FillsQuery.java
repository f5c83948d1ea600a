package kalshifills.kalshi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The filters of every fills request.
 *
 * @param pageLimit  fills per page, 1 to 1000
 * @param subaccount only this subaccount (0 is the primary), or null for all
 * @param ticker     only this market, or null for all
 */
public record FillsQuery(int pageLimit, Integer subaccount, String ticker) {

    public FillsQuery {
        if (pageLimit < 1 || pageLimit > 1000) {
            throw new IllegalArgumentException("page limit " + pageLimit + " is outside Kalshi's 1 to 1000");
        }
        if (subaccount != null && (subaccount < 0 || subaccount > 63)) {
            throw new IllegalArgumentException("subaccount " + subaccount + " is outside Kalshi's 0 to 63");
        }
    }

    /**
     * The query string of one page of {@code /portfolio/fills}: the filters again on every page, since the cursor keeps none.
     *
     * @param minTs  only fills at or after this epoch second, or null for all
     * @param cursor the cursor of the previous page, or null for the first
     */
    public String pageQuery(Long minTs, String cursor) {
        StringBuilder params = new StringBuilder("limit=").append(pageLimit);
        if (minTs != null) {
            params.append("&min_ts=").append(minTs);
        }
        if (subaccount != null) {
            params.append("&subaccount=").append(subaccount);
        }
        return withTickerAndCursor(params, cursor);
    }

    /**
     * The query string of one page of {@code /historical/fills}, which takes neither {@code min_ts} nor {@code subaccount}
     * (see {@link #selects}).
     *
     * @param maxTs  only fills before this epoch second: the cutoff
     * @param cursor the cursor of the previous page, or null for the first
     */
    public String historicalPageQuery(long maxTs, String cursor) {
        return withTickerAndCursor(new StringBuilder("limit=").append(pageLimit).append("&max_ts=").append(maxTs), cursor);
    }

    private String withTickerAndCursor(StringBuilder params, String cursor) {
        if (ticker != null) {
            params.append("&ticker=").append(URLEncoder.encode(ticker, StandardCharsets.UTF_8));
        }
        if (cursor != null) {
            params.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        return params.toString();
    }

    /**
     * The subaccount filter applied to a fill itself, for the historical endpoint that cannot filter: its
     * {@code subaccount_number} (or {@code subaccount}), where a fill that names none counts as the primary account's (0),
     * since Kalshi's subaccounts came after fills without one.
     */
    public boolean selects(JsonNode fill) {
        if (subaccount == null) {
            return true;
        }
        JsonNode named = fill.hasNonNull("subaccount_number") ? fill.get("subaccount_number") : fill.get("subaccount");
        int of = named == null || named.isNull() ? 0 : named.asInt(-1);
        return of == subaccount;
    }
}
