package kalshifills.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a unified GC log ({@code -Xlog:gc}) says about a run: how many collections, how many of them full, and the heap
 * left after each. A young collection leaves the old generation's garbage in place, so the least heap left in a stretch
 * of the run is the closest the log comes to the live heap then.
 */
record GcLog(int collections, int fullCollections, List<Integer> liveHeapMiB) {

    /** {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 51M->20M(128M) 3.1ms}: the heap after is the second figure. */
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause (\\w+).* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    static GcLog read(Path file) throws IOException {
        int collections = 0;
        int full = 0;
        List<Integer> live = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                collections++;
                full += "Full".equals(pause.group(1)) ? 1 : 0;
                live.add(Integer.parseInt(pause.group(3)));
            }
        }
        return new GcLog(collections, full, live);
    }

    /** The least heap left in each quarter of the run's collections, e.g. {@code 12, 41, 43, 42 MiB}. */
    String liveHeapByQuarter() {
        List<String> quarters = new ArrayList<>();
        for (int quarter : quarterMinima()) {
            quarters.add(Integer.toString(quarter));
        }
        return String.join(", ", quarters) + " MiB (least left in each quarter of the run)";
    }

    /**
     * Flat: the last quarter holds no more than a quarter more than the second (the first is mostly start-up, before the
     * backfill's memory is in use); a leak grows with the fills read.
     */
    boolean flat() {
        List<Integer> minima = quarterMinima();
        return minima.size() == 4 && minima.get(3) <= minima.get(1) * 1.25;
    }

    private List<Integer> quarterMinima() {
        List<Integer> minima = new ArrayList<>();
        if (liveHeapMiB.size() < 4) {
            return minima;
        }
        for (int quarter = 0; quarter < 4; quarter++) {
            List<Integer> part = liveHeapMiB.subList(quarter * liveHeapMiB.size() / 4, (quarter + 1) * liveHeapMiB.size() / 4);
            minima.add(part.stream().mapToInt(Integer::intValue).min().orElse(0));
        }
        return minima;
    }
}
