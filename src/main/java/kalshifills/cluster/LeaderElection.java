package kalshifills.cluster;

import kalshifills.settings.Settings;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;

/**
 * Which instance polls each account. Each account's route starts from {@code master:fills-<account>:quartz:...}: its
 * schedule runs only on the instance that leads the namespace {@code fills-<account>}. With
 * {@code cluster.zookeeper.nodes} set, the instances elect a leader per account over ZooKeeper (or ClickHouse Keeper,
 * which speaks its protocol); unset, this instance leads them all.
 */
public final class LeaderElection {

    private LeaderElection() {
    }

    /** The namespace an account's instances elect a leader in; the routes' master: URI names the same. */
    public static String namespace(String account) {
        return "fills-" + account;
    }

    /** @param instanceId this instance among the others (fills.instance-id) */
    public static CamelClusterService service(Settings settings, String instanceId) {
        return settings.optionalText("cluster.zookeeper.nodes").<CamelClusterService>map(nodes -> {
            ZooKeeperClusterService zooKeeper = new ZooKeeperClusterService();
            zooKeeper.setId(instanceId);
            zooKeeper.setNodes(nodes);
            zooKeeper.setBasePath(settings.text("cluster.zookeeper.base-path"));
            zooKeeper.setSessionTimeout(settings.integer("cluster.zookeeper.session-timeout-ms", 2_000, 600_000));
            zooKeeper.setConnectTimeout(settings.integer("cluster.zookeeper.connect-timeout-ms", 500, 600_000));
            return zooKeeper;
        }).orElseGet(() -> new SingleInstanceClusterService(instanceId));
    }
}
