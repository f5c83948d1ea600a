package kalshifills.fill;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders a parsed JSON scalar exactly as CPython's {@code str()} renders the value {@code json.loads} gives for it.
 * The old Python ingester hashed such renderings into synthetic fill ids, so ours must match character for character.
 */
final class PythonStr {

    private static final int MAX_DOUBLE_DIGITS = 17;

    private PythonStr() {
    }

    /** @throws IllegalArgumentException for objects and arrays, whose Python rendering no fill id should depend on */
    static String of(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "None";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            return floatRepr(Double.parseDouble(value.decimalValue().toString()));
        }
        throw new IllegalArgumentException("a JSON " + value.getNodeType().name().toLowerCase() + " has no Python str() rendering here");
    }

    /** CPython's {@code repr(float)}: the shortest digits that round-trip, fixed notation for exponents -4..15. */
    static String floatRepr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String sign = (Double.doubleToRawLongBits(value) < 0) ? "-" : "";
        if (value == 0) {
            return sign + "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(Math.abs(value)).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int pointPosition = digits.length() - shortest.scale();
        if (pointPosition > -4 && pointPosition <= 16) {
            return sign + fixedNotation(digits, pointPosition);
        }
        return sign + scientificNotation(digits, pointPosition - 1);
    }

    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= MAX_DOUBLE_DIGITS; precision++) {
            // The nearest candidate wins; when it does not round-trip, the one on the other side may.
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
                BigDecimal candidate = exact.round(new MathContext(precision, mode));
                if (Double.parseDouble(candidate.toString()) == value) {
                    return candidate;
                }
            }
        }
        return exact.round(new MathContext(MAX_DOUBLE_DIGITS, RoundingMode.HALF_EVEN));
    }

    private static String fixedNotation(String digits, int pointPosition) {
        if (pointPosition <= 0) {
            return "0." + "0".repeat(-pointPosition) + digits;
        }
        if (pointPosition >= digits.length()) {
            return digits + "0".repeat(pointPosition - digits.length()) + ".0";
        }
        return digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
    }

    private static String scientificNotation(String digits, int exponent) {
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exponentDigits = String.format("%02d", Math.abs(exponent));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentDigits;
    }
}
