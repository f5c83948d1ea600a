package kalshifills.fill;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fix 1 of the specification: every fill gets an id, never a blank one.
 *
 * <p>The id is {@code fill_id}, else {@code trade_id}, else a synthetic id: the md5 of
 * {@code order_id:side:count:price:ts} rendered the way the old Python ingester rendered it, so that both writers give
 * the same fill the same id and never store it twice. An id Kalshi gives must look like one (letters, digits and
 * {@code . _ : -}, at most 128 characters): anything else is a broken or hostile payload and the fill is rejected.
 */
public final class FillId {

    private static final int MAX_ID_CHARS = 128;

    private FillId() {
    }

    /** @throws FillRejectedException when the fill has no id and the fields a synthetic id is made of are not scalars */
    public static String of(JsonNode fill) {
        for (String field : new String[] {"fill_id", "trade_id"}) {
            JsonNode given = fill.get(field);
            if (isPresent(given)) {
                return wellFormed(field, given, scalar(given, field));
            }
        }
        return md5Hex(syntheticIdInput(fill));
    }

    /** The text the old ingester hashed: {@code order_id:side:count:price:ts}, each as Python's str() renders it. */
    static String syntheticIdInput(JsonNode fill) {
        JsonNode price = fill.has("yes_price") ? fill.get("yes_price")
                : fill.has("no_price") ? fill.get("no_price")
                : fill.path("price");
        return String.join(":",
                scalar(fill.get("order_id"), "order_id"),
                scalar(fill.get("side"), "side"),
                scalarOrZero(fill.get("count"), "count"),
                price.isMissingNode() ? "0" : scalar(price, "price"),
                scalarOrZero(fill.get("ts"), "ts"));
    }

    /** The id given in {@code field}, if it looks like an id. */
    static String wellFormed(String field, JsonNode value, String id) {
        if (!isWellFormed(id)) {
            throw FillRejectedException.invalidField(field, value, "an id of at most 128 letters, digits, '.', '_', ':' or '-', such as a UUID");
        }
        return id;
    }

    /** [A-Za-z0-9][A-Za-z0-9._:-]{0,127}, as a loop: it runs for every fill of every poll, and a regex costs several times more. */
    private static boolean isWellFormed(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_CHARS || !isAsciiLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Python truthiness, except that a blank or whitespace-only string also counts as missing. */
    private static boolean isPresent(JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isTextual()) {
            return !value.textValue().isBlank();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.decimalValue().signum() != 0;
        }
        return !value.isEmpty();
    }

    private static String scalarOrZero(JsonNode value, String field) {
        return value == null ? "0" : scalar(value, field);
    }

    private static String scalar(JsonNode value, String field) {
        if (value != null && value.isContainerNode()) {
            throw new FillRejectedException("'" + field + "' is a JSON " + value.getNodeType().name().toLowerCase()
                    + "; a fill id can only come from a string or number");
        }
        return PythonStr.of(value);
    }

    private static String md5Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides MD5", e);
        }
    }
}
