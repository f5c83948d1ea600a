package kalshifills.clickhouse;

import java.util.LinkedHashMap;
import java.util.Map;

/** A thread-safe set of the most recently used keys, bounded so a long-running process cannot grow without limit. */
public final class RecentKeys {

    private final Map<String, Boolean> keys;

    public RecentKeys(int capacity) {
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void add(String key) {
        keys.put(key, Boolean.TRUE);
    }

    public synchronized boolean contains(String key) {
        return keys.get(key) != null;
    }

    public synchronized int size() {
        return keys.size();
    }

    public synchronized void clear() {
        keys.clear();
    }
}
