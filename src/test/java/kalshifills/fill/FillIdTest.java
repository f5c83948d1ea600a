package kalshifills.fill;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FillIdTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();

    /** Every case of the shared vectors file, copied from ../shared/vectors/synthetic-fill-id.json. */
    static Stream<Arguments> vectors() throws Exception {
        try (InputStream in = FillIdTest.class.getResourceAsStream("/fill/synthetic-fill-id.json")) {
            JsonNode cases = JSON.readTree(in).get("cases");
            List<Arguments> arguments = new ArrayList<>();
            for (JsonNode c : cases) {
                String fillJson = c.get("fill_json").textValue();
                arguments.add(Arguments.of(Named.of(fillJson, fillJson), c.get("expected_fill_id").textValue(), c.get("hash_input")));
            }
            assertThat(arguments).hasSize(22);
            return arguments.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void reproduces_the_python_ingesters_fill_id(String fillJson, String expectedFillId, JsonNode hashInput) throws Exception {
        JsonNode fill = JSON.readTree(fillJson);

        assertThat(FillId.of(fill)).isEqualTo(expectedFillId);
        if (!hashInput.isNull()) {
            assertThat(FillId.syntheticIdInput(fill)).isEqualTo(hashInput.textValue());
        }
    }

    @Test
    void a_whitespace_only_fill_id_counts_as_missing() throws Exception {
        assertThat(FillId.of(JSON.readTree("{\"fill_id\":\"  \",\"trade_id\":\"trd-1\"}"))).isEqualTo("trd-1");
        assertThat(FillId.of(JSON.readTree("{\"fill_id\":\"\\t\",\"trade_id\":\" \",\"order_id\":\"o\",\"side\":\"yes\"}")))
                .isEqualTo(FillId.of(JSON.readTree("{\"order_id\":\"o\",\"side\":\"yes\"}")));
    }

    @Test
    void the_same_fill_gets_the_same_id_on_every_poll() throws Exception {
        String fill = "{\"order_id\":\"ord-1\",\"side\":\"yes\",\"count\":5,\"yes_price\":55,\"ts\":1768175532}";

        assertThat(FillId.of(JSON.readTree(fill))).isEqualTo(FillId.of(JSON.readTree(fill))).hasSize(32);
    }

    @Test
    void a_synthetic_id_cannot_come_from_an_object_or_array() throws Exception {
        assertThatThrownBy(() -> FillId.of(JSON.readTree("{\"order_id\":{\"a\":1},\"side\":\"yes\"}")))
                .isInstanceOf(FillRejectedException.class)
                .hasMessageContaining("'order_id' is a JSON object");
    }
}
