package kalshifills.settings;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PropertiesFileTest {

    @Test
    void a_system_property_outranks_the_file_and_an_account_key_outranks_the_plain_one(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), """
                clickhouse.fills-table = kalshi.mm_fills
                repair.batch-size = 10000
                account.hedge.clickhouse.fills-table = kalshi.hedge_fills
                """);
        System.setProperty("repair.batch-size", "100");
        try {
            Settings settings = PropertiesFile.read(file);

            assertThat(settings.integer("repair.batch-size", 1, 1_000_000)).isEqualTo(100);
            assertThat(settings.text("clickhouse.fills-table")).isEqualTo("kalshi.mm_fills");
            assertThat(settings.forAccount("hedge").text("clickhouse.fills-table")).isEqualTo("kalshi.hedge_fills");
            assertThat(settings.optionalText("no.such.key")).isEmpty();
        } finally {
            System.clearProperty("repair.batch-size");
        }
    }

    @Test
    void a_missing_file_names_itself_and_what_to_do(@TempDir Path dir) {
        assertThatThrownBy(() -> PropertiesFile.read(dir.resolve("application.properties")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read " + dir.resolve("application.properties"))
                .hasMessageContaining("run from the project or image directory that holds it");
    }
}
