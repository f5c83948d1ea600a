package kalshifills.fill;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kalshifills.kalshi.KalshiJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FillNormalizerTest {

    private static final ObjectMapper JSON = KalshiJson.objectMapper();
    private final FillNormalizer normalizer = new FillNormalizer(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));

    /** The example fill of Kalshi's current schema, from the reference notes. */
    private static final String CURRENT_SCHEMA_FILL = """
            {"fill_id": "2f6c1e0a-5b7d-4c1e-9a53-0d8f3e7b9c21", "trade_id": "2f6c1e0a-5b7d-4c1e-9a53-0d8f3e7b9c21",
             "exchange_index": 0, "order_id": "ee587a1c-8b87-4dcf-b721-9f6f790619fa",
             "ticker": "KXHIGHNY-26AUG18-B85.5", "market_ticker": "KXHIGHNY-26AUG18-B85.5",
             "side": "no", "action": "buy", "outcome_side": "no", "book_side": "ask",
             "count_fp": "10.00", "yes_price_dollars": "0.4200", "no_price_dollars": "0.5800",
             "is_taker": true, "fee_cost": "0.1800", "created_time": "2026-08-18T14:03:27Z",
             "subaccount_number": 0, "ts": 1787061807, "a_field_added_next_year": {"x": 1}}""";

    private NormalizedFill normalize(String json) throws Exception {
        return normalizer.normalize(JSON.readTree(json));
    }

    @Test
    void reads_the_current_schema() throws Exception {
        NormalizedFill fill = normalize(CURRENT_SCHEMA_FILL);

        assertThat(fill.fillId()).isEqualTo("2f6c1e0a-5b7d-4c1e-9a53-0d8f3e7b9c21");
        assertThat(fill.tradeId()).isEqualTo(fill.fillId());
        assertThat(fill.ts()).isEqualTo(Instant.parse("2026-08-18T14:03:27Z"));
        assertThat(fill.marketTicker()).isEqualTo("KXHIGHNY-26AUG18-B85.5");
        assertThat(fill.orderId()).isEqualTo("ee587a1c-8b87-4dcf-b721-9f6f790619fa");
        assertThat(fill.side()).isEqualTo("no");
        assertThat(fill.action()).isEqualTo("buy");
        assertThat(fill.bookSide()).isEqualTo("ask");
        assertThat(fill.count()).isEqualTo(new BigDecimal("10.00"));
        assertThat(fill.yesPrice()).isEqualTo(new BigDecimal("0.4200"));
        assertThat(fill.noPrice()).isEqualTo(new BigDecimal("0.5800"));
        assertThat(fill.price()).isEqualTo(new BigDecimal("0.5800"));
        assertThat(fill.priceCents()).isEqualTo(58);
        assertThat(fill.fee()).isEqualTo(new BigDecimal("0.1800"));
        assertThat(fill.isTaker()).isTrue();
        assertThat(fill.subaccount()).isZero();
        assertThat(fill.exchangeIndex()).isZero();
        assertThat(fill.createdTime()).isEqualTo(Instant.parse("2026-08-18T14:03:27Z"));
        assertThat(JSON.readTree(fill.rawJson())).isEqualTo(JSON.readTree(CURRENT_SCHEMA_FILL));
    }

    @Test
    void reads_the_schema_kalshi_removed_in_2026() throws Exception {
        NormalizedFill fill = normalize("""
                {"trade_id": "trd-1", "order_id": "ord-1", "market_ticker": "INXD-26JAN11", "side": "yes", "action": "sell",
                 "count": 7, "yes_price": 55, "client_order_id": "mm-42", "ts": 1768175532123}""");

        assertThat(fill.fillId()).isEqualTo("trd-1");
        assertThat(fill.ts()).isEqualTo(Instant.parse("2026-01-11T23:52:12.123Z"));
        assertThat(fill.count()).isEqualByComparingTo("7");
        assertThat(fill.yesPrice()).isEqualByComparingTo("0.55");
        assertThat(fill.noPrice()).isEqualByComparingTo("0.45");
        assertThat(fill.side()).as("a sell of yes leaves the account holding no").isEqualTo("no");
        assertThat(fill.action()).isEqualTo("sell");
        assertThat(fill.price()).isEqualByComparingTo("0.45");
        assertThat(fill.bookSide()).isEqualTo("ask");
        assertThat(fill.clientOrderId()).isEqualTo("mm-42");
        assertThat(fill.fee()).as("not sent: unknown, not zero").isNull();
        assertThat(fill.exchangeIndex()).isNull();
        assertThat(fill.isTaker()).isNull();
        assertThat(fill.subaccount()).isNull();
        assertThat(fill.createdTime()).isNull();
    }

    @Test
    void a_legacy_price_in_dollars_is_the_price_of_the_fills_side() throws Exception {
        NormalizedFill fill = normalize("""
                {"order_id": "ord-3", "ticker": "T", "side": "no", "count": 1, "price": 0.55, "ts": 1768175532}""");

        assertThat(fill.fillId()).isEqualTo(FillId.of(JSON.readTree(fill.rawJson()))).hasSize(32);
        assertThat(fill.noPrice()).isEqualByComparingTo("0.55");
        assertThat(fill.yesPrice()).isEqualByComparingTo("0.45");
        assertThat(fill.priceCents()).isEqualTo(55);
    }

    @Test
    void decimals_stay_exact() throws Exception {
        NormalizedFill fill = normalize("""
                {"fill_id": "f", "ticker": "T", "outcome_side": "yes", "count_fp": "0.10", "yes_price_dollars": "0.123456",
                 "fee_cost": "0.000001", "ts": 1768175532}""");

        assertThat(fill.count()).isEqualTo(new BigDecimal("0.10"));
        assertThat(fill.yesPrice()).isEqualTo(new BigDecimal("0.123456"));
        assertThat(fill.noPrice()).isEqualTo(new BigDecimal("0.876544"));
        assertThat(fill.fee()).isEqualTo(new BigDecimal("0.000001"));
        assertThat(fill.side()).isEqualTo("yes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no market      | {'fill_id':'f','side':'yes','count_fp':'1','yes_price_dollars':'0.5','ts':1768175532} | the fill has no market: 'ticker' and 'market_ticker' are both missing",
        "no side        | {'fill_id':'f','ticker':'T','count_fp':'1','yes_price_dollars':'0.5','ts':1768175532} | the fill has no side: 'outcome_side' and 'side' are both missing",
        "odd outcome    | {'fill_id':'f','ticker':'T','outcome_side':'both','count_fp':'1','yes_price_dollars':'0.5','ts':1768175532} | outcome_side is \"both\"; expected \"yes\" or \"no\"",
        "odd action     | {'fill_id':'f','ticker':'T','side':'yes','action':'hold','count_fp':'1','yes_price_dollars':'0.5','ts':1768175532} | action is \"hold\"; expected \"buy\" or \"sell\"",
        "odd side       | {'fill_id':'f','ticker':'T','side':'maybe','count_fp':'1','yes_price_dollars':'0.5','ts':1768175532} | side is \"maybe\"; expected \"yes\" or \"no\"",
        "no count       | {'fill_id':'f','ticker':'T','side':'yes','yes_price_dollars':'0.5','ts':1768175532} | the fill has no count: 'count_fp' (or the legacy 'count') is missing",
        "zero count     | {'fill_id':'f','ticker':'T','side':'yes','count_fp':'0.00','yes_price_dollars':'0.5','ts':1768175532} | count is 0.00; expected a positive number of contracts",
        "negative count | {'fill_id':'f','ticker':'T','side':'yes','count':-3,'yes_price_dollars':'0.5','ts':1768175532} | count is -3; expected a positive number of contracts",
        "bad number     | {'fill_id':'f','ticker':'T','side':'yes','count_fp':'ten','yes_price_dollars':'0.5','ts':1768175532} | 'count_fp' is \"ten\"; expected a decimal number such as \"0.4200\"",
        "too precise    | {'fill_id':'f','ticker':'T','side':'yes','count_fp':'1','yes_price_dollars':'0.1234567','ts':1768175532} | 'yes_price_dollars' is \"0.1234567\"; expected at most 12 digits before and 6 after the decimal point",
        "price above 1  | {'fill_id':'f','ticker':'T','side':'yes','count_fp':'1','yes_price_dollars':'1.5','ts':1768175532} | yes price is 1.5 dollars; expected 0 to 1",
        "negative price | {'fill_id':'f','ticker':'T','side':'no','count_fp':'1','no_price_dollars':'-0.01','ts':1768175532} | yes price is 1.01 dollars; expected 0 to 1",
        "no price       | {'fill_id':'f','ticker':'T','side':'yes','count_fp':'1','ts':1768175532} | the fill has no price: expected 'yes_price_dollars' or 'no_price_dollars' (or the legacy 'yes_price', 'no_price', 'price')",
        "cents not int  | {'fill_id':'f','ticker':'T','side':'yes','count':1,'yes_price':55.5,'ts':1768175532} | 'yes_price' is 55.5; expected whole cents (the legacy field was an integer)",
        "taker not bool | {'fill_id':'f','ticker':'T','side':'yes','count':1,'yes_price':55,'is_taker':'yes','ts':1768175532} | 'is_taker' is \"yes\"; expected true or false",
        "ticker number  | {'fill_id':'f','ticker':42,'side':'yes','count':1,'yes_price':55,'ts':1768175532} | 'ticker' is 42; expected a string",
        "no time        | {'fill_id':'f','ticker':'T','side':'yes','count':1,'yes_price':55} | the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero",
        "bad trade id   | {'fill_id':'f','trade_id':'a b','ticker':'T','side':'yes','count':1,'yes_price':55,'ts':1768175532} | 'trade_id' is \"a b\"; expected an id of at most 128 letters, digits, '.', '_', ':' or '-', such as a UUID",
        "bad order id   | {'fill_id':'f','order_id':'o;1','ticker':'T','side':'yes','count':1,'yes_price':55,'ts':1768175532} | 'order_id' is \"o;1\"; expected an id of at most 128 letters, digits, '.', '_', ':' or '-', such as a UUID",
        "control char   | {'fill_id':'f','ticker':'KX\\u0007BELL','side':'yes','count':1,'yes_price':55,'ts':1768175532} | 'ticker' is \"KX\\u0007BELL\"; expected text without control characters",
    })
    void rejects_a_bad_fill_naming_the_field_and_what_was_expected(String what, String fillJson, String reason) {
        assertThatThrownBy(() -> normalize(fillJson.replace('\'', '"')))
                .isInstanceOf(FillRejectedException.class)
                .hasMessage(reason);
    }

    @Test
    void an_id_that_is_sql_is_rejected_not_stored() {
        var fill = JSON.createObjectNode().put("fill_id", "'); DROP TABLE kalshi.mm_fills; --").put("ticker", "T").put("side", "yes")
                .put("count", 1).put("yes_price", 55).put("ts", 1768175532);

        assertThatThrownBy(() -> normalizer.normalize(fill)).isInstanceOf(FillRejectedException.class)
                .hasMessage("'fill_id' is \"'); DROP TABLE kalshi.mm_fills; --\"; expected an id of at most 128 letters, digits, '.', '_',"
                        + " ':' or '-', such as a UUID");
    }

    @Test
    void a_megabyte_string_is_rejected_with_its_length_and_kept_whole_in_the_raw_json() {
        String ticker = "K".repeat(1 << 20);
        var fill = JSON.createObjectNode().put("fill_id", "f").put("ticker", ticker).put("side", "yes").put("count", 1)
                .put("yes_price", 55).put("ts", 1768175532);

        NormalizedPage page = normalizer.normalizePage(List.of(fill));

        assertThat(page.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).startsWith("'ticker' is \"KKKK").endsWith("; expected at most 256 characters, not 1048576").hasSizeLessThan(200);
            assertThat(r.rawJson()).contains(ticker);
        });
    }

    @Test
    void a_page_keeps_every_fill_either_accepted_or_rejected_with_its_reason() throws Exception {
        List<JsonNode> fills = new ArrayList<>();
        JSON.readTree("""
                [{"fill_id": "good", "ticker": "T", "side": "yes", "count_fp": "1", "yes_price_dollars": "0.5", "ts": 1768175532},
                 {"fill_id": "bad", "ticker": "T", "side": "yes", "count_fp": "1", "yes_price_dollars": "0.5"},
                 "not a fill"]""").forEach(fills::add);

        NormalizedPage page = normalizer.normalizePage(fills);

        assertThat(page.acceptedIds()).containsExactly("good");
        assertThat(page.rejected()).extracting(RejectedFill::fillId, RejectedFill::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("bad", "the fill has no time: 'created_time', 'ts_ms' and 'ts' are all missing, null or zero"),
                org.assertj.core.groups.Tuple.tuple("", "a fill must be a JSON object, got a JSON string"));
        assertThat(page.rejected().get(0).rawJson()).contains("\"fill_id\":\"bad\"");
        assertThat(page.size()).isEqualTo(3);
    }

    /** One sell of yes at 0.42, as Kalshi has served it: today with and without the deprecated fields, and in cents before 2026. */
    private static final String SELL_OF_YES_CURRENT = """
            {"fill_id": "f-sell", "trade_id": "f-sell", "order_id": "o-1", "ticker": "KXA", "market_ticker": "KXA",
             "side": "yes", "action": "sell", "outcome_side": "no", "book_side": "ask", "count_fp": "3.00",
             "yes_price_dollars": "0.4200", "no_price_dollars": "0.5800", "is_taker": false, "fee_cost": "0.0300",
             "created_time": "2026-08-18T14:03:27.654321Z", "subaccount_number": 0, "exchange_index": 0, "ts": 1787061807}""";
    private static final String SELL_OF_YES_WITHOUT_DEPRECATED = """
            {"fill_id": "f-sell", "trade_id": "f-sell", "order_id": "o-1", "ticker": "KXA", "market_ticker": "KXA",
             "outcome_side": "no", "book_side": "ask", "count_fp": "3.00",
             "yes_price_dollars": "0.4200", "no_price_dollars": "0.5800", "is_taker": false, "fee_cost": "0.0300",
             "created_time": "2026-08-18T14:03:27.654321Z", "subaccount_number": 0, "exchange_index": 0}""";
    private static final String SELL_OF_YES_IN_CENTS = """
            {"trade_id": "f-sell", "order_id": "o-1", "ticker": "KXA", "market_ticker": "KXA", "side": "yes", "action": "sell",
             "count": 3, "yes_price": 42, "no_price": 58, "is_taker": false, "created_time": "2026-08-18T14:03:27.654321Z",
             "ts": 1787061807}""";

    @Test
    void a_fill_gives_the_same_row_in_every_shape_kalshi_served_it_in() throws Exception {
        NormalizedFill current = normalize(SELL_OF_YES_CURRENT);
        NormalizedFill withoutDeprecated = normalize(SELL_OF_YES_WITHOUT_DEPRECATED);
        NormalizedFill inCents = normalize(SELL_OF_YES_IN_CENTS);

        for (NormalizedFill fill : List.of(current, withoutDeprecated, inCents)) {
            assertThat(fill.fillId()).isEqualTo("f-sell");
            assertThat(fill.tradeId()).isEqualTo("f-sell");
            assertThat(fill.ts()).isEqualTo(Instant.parse("2026-08-18T14:03:27.654Z"));
            assertThat(fill.side()).isEqualTo("no");
            assertThat(fill.bookSide()).isEqualTo("ask");
            assertThat(fill.price()).isEqualByComparingTo("0.58");
            assertThat(fill.priceCents()).isEqualTo(58);
            assertThat(fill.count()).isEqualByComparingTo("3");
            assertThat(fill.yesPrice()).isEqualByComparingTo("0.42");
            assertThat(fill.noPrice()).isEqualByComparingTo("0.58");
            assertThat(fill.isTaker()).isFalse();
            assertThat(fill.createdTime()).isEqualTo(Instant.parse("2026-08-18T14:03:27.654Z"));
        }
        assertThat(List.of(current.action(), withoutDeprecated.action(), inCents.action())).as("as sent, empty when not")
                .containsExactly("sell", "", "sell");
        assertThat(inCents.fee()).as("the cents payload carries no fee").isNull();
        assertThat(current.fee()).isEqualByComparingTo("0.03");
    }

    @Test
    void the_book_side_follows_the_outcome_side_where_kalshi_does_not_send_it() throws Exception {
        NormalizedFill buyOfNo = normalize("""
                {"trade_id": "t", "ticker": "T", "side": "no", "action": "buy", "count": 1, "no_price": 30, "ts": 1768175532}""");
        NormalizedFill sellOfNo = normalize("""
                {"trade_id": "t", "ticker": "T", "side": "no", "action": "sell", "count": 1, "no_price": 30, "ts": 1768175532}""");

        assertThat(buyOfNo.side()).isEqualTo("no");
        assertThat(buyOfNo.bookSide()).isEqualTo("ask");
        assertThat(sellOfNo.side()).isEqualTo("yes");
        assertThat(sellOfNo.bookSide()).isEqualTo("bid");
        assertThat(sellOfNo.price()).as("the yes price").isEqualByComparingTo("0.70");
    }

    @Test
    void the_websockets_subaccount_field_is_the_subaccount() throws Exception {
        NormalizedFill fill = normalize("""
                {"trade_id": "t", "market_ticker": "T", "outcome_side": "yes", "count_fp": "1.00", "yes_price_dollars": "0.5",
                 "ts": 1768175532, "subaccount": 4}""");

        assertThat(fill.subaccount()).isEqualTo(4);
    }
}
