package kalshifills.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

import kalshifills.testing.LocalClickHouse;

/** One line saying what the figures were measured on: they mean little without it. */
final class Machine {

    private Machine() {
    }

    static String describe(LocalClickHouse clickHouse) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .findFirst().map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memoryKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                .findFirst().map(line -> Long.parseLong(line.replaceAll("\\D", ""))).orElse(0L);
        return "Measured %s on %d cores of %s, %d GiB RAM; Java %s; ClickHouse %s (local, same machine)."
                .formatted(LocalDate.now(ZoneOffset.UTC), Runtime.getRuntime().availableProcessors(), cpu, memoryKib / 1024 / 1024,
                        System.getProperty("java.version"), clickHouse.rows("SELECT version()").get(0).get(0));
    }
}
