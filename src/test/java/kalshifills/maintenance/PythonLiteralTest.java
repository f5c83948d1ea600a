package kalshifills.maintenance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import kalshifills.testing.PythonRepr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PythonLiteralTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();

    /** The fixture: 470 dicts, each as CPython 3.11 printed repr() and json.dumps() of it; generated once. */
    private record Case(String repr, String json) {
    }

    private static List<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                PythonLiteralTest.class.getResourceAsStream("/maintenance/python-literals.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith("#")) {
                    String[] columns = line.split("\t");
                    cases.add(new Case(columns[0], columns[1]));
                }
            }
        }
        return cases;
    }

    @Test
    void reads_what_python_repr_wrote_as_the_same_values_json_dumps_wrote() throws Exception {
        List<String> mismatches = new ArrayList<>();
        List<Case> cases = cases();
        for (Case c : cases) {
            try {
                if (!PythonLiteral.read(c.repr()).equals(JSON.readTree(c.json()))) {
                    mismatches.add(c.repr() + " -> " + PythonLiteral.read(c.repr()) + ", json: " + c.json());
                }
            } catch (PythonLiteral.NotALiteralException e) {
                mismatches.add(c.repr() + " -> " + e.getMessage());
            }
        }
        assertThat(cases).hasSizeGreaterThan(450);
        assertThat(mismatches).isEmpty();
    }

    /** The tests seed old tables with {@link PythonRepr}: it must write what CPython wrote, for every case without floats. */
    @Test
    void the_tests_python_repr_writes_what_cpython_wrote() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Case c : cases()) {
            if (hasFloat(JSON.readTree(c.json()))) {
                continue;
            }
            compared++;
            String written = PythonRepr.of(JSON.readTree(c.json()));
            if (!written.equals(c.repr())) {
                mismatches.add(c.json() + " -> " + written + ", python: " + c.repr());
            }
        }
        assertThat(compared).isGreaterThan(200);
        assertThat(mismatches).isEmpty();
    }

    private static boolean hasFloat(JsonNode value) {
        if (value.isFloatingPointNumber()) {
            return true;
        }
        for (JsonNode element : value) {
            if (hasFloat(element)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void reads_the_old_ingesters_raw_json() throws Exception {
        String raw = "{'trade_id': 'a1', 'count': 5, 'yes_price': 42, 'is_taker': True, 'client_order_id': None,"
                + " 'created_time': '2026-01-11T23:52:12.345678Z', 'ts': 1768175532, 'ticker': \"KX'Q\", 'note': 'caf\\xe9 \\u2028 \\\\'}";

        assertThat(PythonLiteral.read(raw)).isEqualTo(JSON.readTree("""
                {"trade_id": "a1", "count": 5, "yes_price": 42, "is_taker": true, "client_order_id": null,
                 "created_time": "2026-01-11T23:52:12.345678Z", "ts": 1768175532, "ticker": "KX'Q", "note": "café \\u2028 \\\\"}"""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a call             | {'a': open('/etc/passwd')}    | expected a dict, list, string, number, True, False or None at character 6, found 'open('/etc/passwd')}'",
        "an expression      | {'a': 1+2}                    | expected a number such as 42, -0.5 or 1e-05, not '1+2' at character 6, found '1+2}'",
        "a set              | {1, 2}                        | expected a string key or '}' at character 1, found '1, 2}'",
        "an int key         | {1: 'a'}                      | expected a string key or '}' at character 1, found '1: 'a'}'",
        "a tuple            | {'a': (1, 2)}                 | expected a dict, list, string, number, True, False or None at character 6, found '(1, 2)}'",
        "json's true        | {'a': true}                   | expected a dict, list, string, number, True, False or None at character 6, found 'true}'",
        "inf                | {'a': inf}                    | expected a dict, list, string, number, True, False or None at character 6, found 'inf}'",
        "two dots           | {'a': 1.5.2}                  | expected a number such as 42, -0.5 or 1e-05, not '1.5.2' at character 6, found '1.5.2}'",
        "unknown escape     | {'a': '\\q'}                  | expected one of Python's escapes (\\\\ \\' \\\" \\n \\r \\t \\a \\b \\f \\v \\xNN \\uNNNN \\UNNNNNNNN \\ooo) at character 7, found '\\q'}'",
        "short hex escape   | {'a': '\\x4'}                 | expected 2 hex digits at character 10, found ''}'",
        "unclosed string    | {'a': 'abc                    | expected the closing ' at character 10, found the end",
        "trailing text      | {'a': 1} and more             | expected the end of the literal at character 9, found 'and more'",
        "truncated          | {'a': [1, 2                   | expected ',' or ']' at character 11, found the end",
    })
    void refuses_anything_but_a_literal_naming_where_and_what_was_expected(String what, String text, String message) {
        assertThatThrownBy(() -> PythonLiteral.read(text)).isInstanceOf(PythonLiteral.NotALiteralException.class).hasMessage(message);
    }

    @Test
    void trailing_commas_and_empty_containers_are_literals_too() throws Exception {
        assertThat(PythonLiteral.read("{'a': [1, 2,], 'b': {},}")).isEqualTo(JSON.readTree("{\"a\": [1, 2], \"b\": {}}"));
        assertThat(PythonLiteral.read("[]")).isEqualTo(JSON.readTree("[]"));
    }
}
