package kalshifills.account;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts whose routes exist, by name: how an account's WebSocket feed route (a template of its own, so with beans
 * of its own) reaches the {@link KalshiAccount} its poll route made.
 */
public final class Accounts {

    private final Map<String, KalshiAccount> byName = new ConcurrentHashMap<>();

    void add(KalshiAccount account) {
        byName.put(account.name(), account);
    }

    /** Only this very account: a reloaded route makes its new account before the old one is closed. */
    void remove(KalshiAccount account) {
        byName.remove(account.name(), account);
    }

    /** @throws IllegalStateException when no poll route runs for the account, naming the way out */
    public KalshiAccount named(String name) {
        KalshiAccount account = byName.get(name);
        if (account == null) {
            throw new IllegalStateException("account '" + name + "' has a kalshi-account-feed route but no kalshi-account route:"
                    + " add its templatedRoute of kalshi-account to routes/accounts.yaml, or remove the feed's");
        }
        return account;
    }
}
