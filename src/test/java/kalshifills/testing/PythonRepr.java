package kalshifills.testing;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What CPython's {@code repr()} (and {@code str()}) writes for {@code json.loads} of a JSON value without floats: how the
 * old ingester wrote {@code raw_json}, for tests that seed a table the way it did. Checked against CPython's own output
 * in {@code PythonLiteralTest}.
 */
public final class PythonRepr {

    private PythonRepr() {
    }

    public static String of(JsonNode value) {
        StringBuilder text = new StringBuilder();
        write(value, text);
        return text.toString();
    }

    private static void write(JsonNode value, StringBuilder text) {
        if (value.isObject()) {
            text.append('{');
            for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                string(field.getKey(), text);
                text.append(": ");
                write(field.getValue(), text);
                text.append(fields.hasNext() ? ", " : "");
            }
            text.append('}');
        } else if (value.isArray()) {
            text.append('[');
            for (int i = 0; i < value.size(); i++) {
                text.append(i > 0 ? ", " : "");
                write(value.get(i), text);
            }
            text.append(']');
        } else if (value.isTextual()) {
            string(value.textValue(), text);
        } else if (value.isIntegralNumber()) {
            text.append(value.bigIntegerValue());
        } else if (value.isBoolean()) {
            text.append(value.booleanValue() ? "True" : "False");
        } else if (value.isNull()) {
            text.append("None");
        } else {
            throw new IllegalArgumentException("no Python repr here for " + value);
        }
    }

    /** CPython's unicode_repr: single quotes unless the text has one and no double quote; non-printable characters escaped. */
    private static void string(String value, StringBuilder text) {
        char quote = value.indexOf('\'') >= 0 && value.indexOf('"') < 0 ? '"' : '\'';
        text.append(quote);
        value.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                text.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                text.append("\\t");
            } else if (c == '\n') {
                text.append("\\n");
            } else if (c == '\r') {
                text.append("\\r");
            } else if (c < ' ' || c == 0x7f) {
                text.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || printable(c)) {
                text.appendCodePoint(c);
            } else if (c <= 0xff) {
                text.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.append(String.format("\\U%08x", c));
            }
        });
        text.append(quote);
    }

    /** Python's str.isprintable for one character: not a control, format, surrogate, private, unassigned or separator character. */
    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
