package kalshifills.settings;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceSettingsTest {

    @Test
    void a_clickhouse_url_is_shown_without_the_credentials_it_may_carry() {
        assertThat(ServiceSettings.withoutCredentials("jdbc:clickhouse://ingester:s3cret@ch.internal:8123/kalshi?password=s3cret&ssl=true"))
                .isEqualTo("jdbc:clickhouse://ch.internal:8123/kalshi");
        assertThat(ServiceSettings.withoutCredentials("jdbc:clickhouse://127.0.0.1:8123")).isEqualTo("jdbc:clickhouse://127.0.0.1:8123");
    }
}
