package kalshifills.maintenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import kalshifills.kalshi.KalshiJson;

/**
 * Reads what CPython's {@code repr()} (and so {@code str()}) writes for a dict of JSON-like values, as the old ingester
 * stored its fills in {@code raw_json}: dicts with string keys, lists, strings in single or double quotes with Python's
 * backslash escapes, ints and floats, {@code True}, {@code False} and {@code None}. Nothing else is accepted and nothing
 * is evaluated. Hand-written because no library on the class path reads Python literals; numbers go through the same
 * JSON reader as Kalshi's payloads, so a value reads the same from either form.
 */
final class PythonLiteral {

    /** A text that is not a Python literal of that kind: where, and what was expected there. */
    static final class NotALiteralException extends RuntimeException {
        NotALiteralException(String message) {
            super(message);
        }
    }

    private static final ObjectReader NUMBERS = KalshiJson.objectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private int at;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** @throws NotALiteralException naming the position and what was expected there */
    static JsonNode read(String text) {
        PythonLiteral reader = new PythonLiteral(text);
        JsonNode value = reader.value();
        reader.skipSpaces();
        if (reader.at < text.length()) {
            throw reader.expected("the end of the literal");
        }
        return value;
    }

    private JsonNode value() {
        skipSpaces();
        if (at >= text.length()) {
            throw expected("a value");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> dict();
            case '[' -> list();
            case '\'', '"' -> NODES.textNode(string());
            default -> c == '-' || (c >= '0' && c <= '9') ? number() : word();
        };
    }

    private ObjectNode dict() {
        ObjectNode dict = NODES.objectNode();
        at++;
        while (!closes('}')) {
            skipSpaces();
            if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
                throw expected("a string key or '}'");
            }
            String key = string();
            skipSpaces();
            expect(':');
            dict.set(key, value());
            if (!closesAfterComma('}')) {
                throw expected("',' or '}'");
            }
        }
        return dict;
    }

    private ArrayNode list() {
        ArrayNode list = NODES.arrayNode();
        at++;
        while (!closes(']')) {
            list.add(value());
            if (!closesAfterComma(']')) {
                throw expected("',' or ']'");
            }
        }
        return list;
    }

    /** Consumes {@code close} if it comes next. */
    private boolean closes(char close) {
        skipSpaces();
        if (at < text.length() && text.charAt(at) == close) {
            at++;
            return true;
        }
        return false;
    }

    /** After an element: a comma (and the closing bracket may follow it), or the closing bracket, left for {@link #closes}. */
    private boolean closesAfterComma(char close) {
        skipSpaces();
        if (at < text.length() && text.charAt(at) == ',') {
            at++;
            return true;
        }
        return at < text.length() && text.charAt(at) == close;
    }

    private String string() {
        char quote = text.charAt(at++);
        StringBuilder value = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw expected("the closing " + quote);
            }
            char c = text.charAt(at++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\n' || c == '\r') {
                throw new NotALiteralException("a line break inside a string at character " + (at - 1) + "; repr() writes it as \\n");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw expected("an escaped character");
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '\\', '\'', '"' -> value.append(escaped);
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'a' -> value.append('\u0007');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'v' -> value.append('\u000b');
                case 'x' -> value.appendCodePoint(hex(2));
                case 'u' -> value.appendCodePoint(hex(4));
                case 'U' -> value.appendCodePoint(hex(8));
                default -> {
                    if (escaped < '0' || escaped > '7') {
                        at -= 2;
                        throw expected("one of Python's escapes (\\\\ \\' \\\" \\n \\r \\t \\a \\b \\f \\v \\xNN \\uNNNN \\UNNNNNNNN \\ooo)");
                    }
                    at--;
                    value.append((char) octal());
                }
            }
        }
    }

    private int hex(int digits) {
        if (at + digits > text.length()) {
            throw expected(digits + " hex digits");
        }
        int codePoint = 0;
        for (int i = 0; i < digits; i++) {
            int digit = Character.digit(text.charAt(at), 16);
            if (digit < 0) {
                throw expected(digits + " hex digits");
            }
            codePoint = codePoint * 16 + digit;
            at++;
        }
        if (codePoint > Character.MAX_CODE_POINT) {
            throw new NotALiteralException("\\U" + Integer.toHexString(codePoint) + " before character " + at + " is not a Unicode code point");
        }
        return codePoint;
    }

    private int octal() {
        int value = 0;
        for (int i = 0; i < 3 && at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '7'; i++) {
            value = value * 8 + (text.charAt(at++) - '0');
        }
        return value;
    }

    /** An int or a float as repr() writes them, which is also a JSON number: read as Kalshi's numbers are, exactly. */
    private JsonNode number() {
        int start = at;
        if (text.charAt(at) == '-') {
            at++;
        }
        while (at < text.length() && "0123456789.eE+-".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String literal = text.substring(start, at);
        try {
            JsonNode number = NUMBERS.readTree(literal);
            if (number != null && number.isNumber()) {
                return number;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        at = start;
        throw expected("a number such as 42, -0.5 or 1e-05, not '" + literal + "'");
    }

    private JsonNode word() {
        for (String word : new String[] {"True", "False", "None"}) {
            if (text.startsWith(word, at) && (at + word.length() == text.length() || !Character.isLetterOrDigit(text.charAt(at + word.length())))) {
                at += word.length();
                return switch (word) {
                    case "True" -> NODES.booleanNode(true);
                    case "False" -> NODES.booleanNode(false);
                    default -> NODES.nullNode();
                };
            }
        }
        throw expected("a dict, list, string, number, True, False or None");
    }

    private void expect(char c) {
        if (at >= text.length() || text.charAt(at) != c) {
            throw expected("'" + c + "'");
        }
        at++;
    }

    private void skipSpaces() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    private NotALiteralException expected(String what) {
        String found = at >= text.length() ? "the end" : "'" + text.substring(at, Math.min(text.length(), at + 20)) + "'";
        return new NotALiteralException("expected " + what + " at character " + at + ", found " + found);
    }
}
