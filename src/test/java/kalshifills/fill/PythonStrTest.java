package kalshifills.fill;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PythonStrTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();

    /**
     * 5,600 JSON number literals (random bit patterns, random decimals, every power of two, edge cases) with what CPython 3.11 printed for
     * {@code str(json.loads(literal))}; generated once, the file is the fixture.
     */
    @Test
    void renders_json_numbers_as_python_str_does() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                PythonStrTest.class.getResourceAsStream("/fill/python-float-str.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t");
                String rendered = PythonStr.of(JSON.readTree(columns[0]));
                cases++;
                if (!rendered.equals(columns[1])) {
                    mismatches.add(columns[0] + " -> " + rendered + ", python: " + columns[1]);
                }
            }
        }
        assertThat(cases).isGreaterThan(5000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void renders_scalars_as_python_str_does() throws Exception {
        assertThat(PythonStr.of(JSON.readTree("true"))).isEqualTo("True");
        assertThat(PythonStr.of(JSON.readTree("false"))).isEqualTo("False");
        assertThat(PythonStr.of(JSON.readTree("null"))).isEqualTo("None");
        assertThat(PythonStr.of(null)).isEqualTo("None");
        assertThat(PythonStr.of(JSON.readTree("\"0.5600\""))).isEqualTo("0.5600");
        assertThat(PythonStr.of(JSON.readTree("-12"))).isEqualTo("-12");
        assertThat(PythonStr.of(JSON.readTree("123456789012345678901234567890"))).isEqualTo("123456789012345678901234567890");
        assertThat(PythonStr.floatRepr(-0.0)).isEqualTo("-0.0");
        assertThat(PythonStr.floatRepr(Double.NaN)).isEqualTo("nan");
    }
}
