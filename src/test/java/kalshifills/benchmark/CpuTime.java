package kalshifills.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The CPU time a process has used so far (user and system), from Linux's /proc: for any process, not only a child. */
final class CpuTime {

    private static final long TICKS_PER_SECOND = 100;

    private CpuTime() {
    }

    static Duration of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15, counted after its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }
}
