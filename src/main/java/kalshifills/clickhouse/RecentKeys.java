package kalshifills.clickhouse;

import java.util.LinkedHashMap;
import java.util.Map;

/** A thread-safe set of the most recently used keys, bounded so a long-running process cannot grow without limit. */
final class RecentKeys {

    private final Map<String, Boolean> keys;

    RecentKeys(int capacity) {
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String key) {
        keys.put(key, Boolean.TRUE);
    }

    synchronized boolean contains(String key) {
        return keys.get(key) != null;
    }

    synchronized int size() {
        return keys.size();
    }

    synchronized void clear() {
        keys.clear();
    }
}
