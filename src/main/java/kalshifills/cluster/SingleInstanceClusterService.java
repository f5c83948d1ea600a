package kalshifills.cluster;

import java.util.List;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * The cluster of one instance, which leads every account: the routes' {@code master:} endpoint then runs them at once, as
 * if it were not there. Camel has no such service of its own; every other one needs a coordinator.
 */
public final class SingleInstanceClusterService extends AbstractCamelClusterService<SingleInstanceClusterService.View> {

    public SingleInstanceClusterService(String id) {
        super(id);
    }

    @Override
    protected View createView(String namespace) {
        return new View(this, namespace);
    }

    /** One namespace (an account), led by this instance from the moment it starts. */
    public static final class View extends AbstractCamelClusterView {

        private final CamelClusterMember self;

        View(CamelClusterService service, String namespace) {
            super(service, namespace);
            this.self = new Self(service.getId());
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return isRunAllowed() ? Optional.of(self) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return self;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(self);
        }

        @Override
        protected void doStart() {
            fireLeadershipChangedEvent(self);
        }

        @Override
        protected void doStop() {
            fireLeadershipChangedEvent((CamelClusterMember) null);
        }

        private final class Self implements CamelClusterMember {

            private final String id;

            Self(String id) {
                this.id = id;
            }

            @Override
            public String getId() {
                return id;
            }

            @Override
            public boolean isLeader() {
                return isRunAllowed();
            }

            @Override
            public boolean isLocal() {
                return true;
            }
        }
    }
}
