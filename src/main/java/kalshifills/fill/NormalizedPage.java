package kalshifills.fill;

import java.util.Iterator;
import java.util.List;

/**
 * One page of fills after normalization: each fill either accepted or rejected with its reason, none dropped. It iterates
 * over its accepted fills, which is what the route splits: a split of the body itself, with no method called on it (Camel
 * caches what it learns of an object it calls a method on, and a cached page would keep its fills).
 */
public record NormalizedPage(List<NormalizedFill> accepted, List<RejectedFill> rejected) implements Iterable<NormalizedFill> {

    public static final NormalizedPage EMPTY = new NormalizedPage(List.of(), List.of());

    public NormalizedPage {
        accepted = List.copyOf(accepted);
        rejected = List.copyOf(rejected);
    }

    public List<String> acceptedIds() {
        return accepted.stream().map(NormalizedFill::fillId).toList();
    }

    public int size() {
        return accepted.size() + rejected.size();
    }

    @Override
    public Iterator<NormalizedFill> iterator() {
        return accepted.iterator();
    }
}
