package kalshifills.clickhouse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * The insert deduplication token of a batch: the SHA-256 of its sorted, length-prefixed keys. Derived from content only, never from time
 * or a counter, so the retry of a batch after a timeout or a crash carries the same token and the server drops it.
 */
final class DedupToken {

    private DedupToken() {
    }

    static String of(Collection<String> keys) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String key : new TreeSet<>(keys)) {
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                sha256.update(bytes);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
