package kalshifills.kalshi;

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
}
