package kalshifills.fill;

import java.util.List;

/** One page of fills after normalization: each fill either accepted or rejected with its reason, none dropped. */
public record NormalizedPage(List<NormalizedFill> accepted, List<RejectedFill> rejected) {

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
}
