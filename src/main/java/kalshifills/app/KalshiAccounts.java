package kalshifills.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kalshifills.settings.ConfigurationException;
import org.apache.camel.spi.BeanRepository;

/**
 * The beans of each Kalshi account, made from the account's settings the first time a route asks for one of them. The
 * route template names them {@code <bean>-<account>} ({@code fillsPoller-main}, {@code storedFillIds-hedge}), so adding an
 * account to routes/accounts.yaml is all it takes to make its beans.
 */
final class KalshiAccounts implements BeanRepository {

    static final Set<String> BEANS = Set.of("kalshiHttpClient", "fillsPoller", "clickHouseSchema", "storedFillIds", "rejectedFillWriter",
            "fillBatchWriter");
    private static final Pattern BEAN_NAME = Pattern.compile("([A-Za-z]+)-(.*)");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private final Function<String, Map<String, Object>> newAccount;
    private final Map<String, Map<String, Object>> accounts = new HashMap<>();

    /** @param newAccount makes the beans of the named account, keyed by the names in {@link #BEANS} */
    KalshiAccounts(Function<String, Map<String, Object>> newAccount) {
        this.newAccount = newAccount;
    }

    @Override
    public synchronized Object lookupByName(String name) {
        Matcher bean = BEAN_NAME.matcher(name);
        if (!bean.matches() || !BEANS.contains(bean.group(1))) {
            return null;
        }
        String account = bean.group(2);
        if (!ACCOUNT_NAME.matcher(account).matches()) {
            throw new ConfigurationException("routes/accounts.yaml", "names an account '" + account
                    + "'; an account name is lower case letters, digits and '_', starting with a letter");
        }
        return accounts.computeIfAbsent(account, newAccount).get(bean.group(1));
    }

    @Override
    public <T> T lookupByNameAndType(String name, Class<T> type) {
        Object bean = lookupByName(name);
        return type.isInstance(bean) ? type.cast(bean) : null;
    }

    /** Accounts are found by name only: a lookup by type would make every account's beans. */
    @Override
    public <T> Map<String, T> findByTypeWithName(Class<T> type) {
        return Map.of();
    }

    @Override
    public <T> Set<T> findByType(Class<T> type) {
        return Set.of();
    }
}
