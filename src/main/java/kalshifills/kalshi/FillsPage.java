package kalshifills.kalshi;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One page of fills, live ({@code GET /portfolio/fills}) or historical ({@code GET /historical/fills}), checked: its fills as Kalshi sent them, and the cursor of the next page
 * ({@code ""} after the last).
 */
record FillsPage(List<JsonNode> fills, String cursor) {

    /** @throws KalshiResponseException when the answer has no {@code fills} list or a cursor that is not a string */
    static FillsPage of(JsonNode page) {
        JsonNode fills = page == null ? null : page.get("fills");
        if (fills == null || !fills.isArray()) {
            throw new KalshiResponseException("the fills endpoint answered 200 without a 'fills' list: " + abbreviated(page));
        }
        JsonNode cursor = page.get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            throw new KalshiResponseException("the fills endpoint answered with a cursor that is not a string: " + abbreviated(cursor));
        }
        List<JsonNode> list = new ArrayList<>(fills.size());
        fills.forEach(list::add);
        return new FillsPage(list, cursor == null || cursor.isNull() ? "" : cursor.textValue());
    }

    static String abbreviated(JsonNode node) {
        String json = String.valueOf(node);
        return json.length() <= 200 ? json : json.substring(0, 200) + "...";
    }
}
