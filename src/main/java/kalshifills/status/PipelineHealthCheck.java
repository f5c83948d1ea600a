package kalshifills.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** DOWN while polls of Kalshi or inserts into ClickHouse are failing, saying since when and why. */
public final class PipelineHealthCheck extends AbstractHealthCheck {

    private final PipelineStatus status;

    public PipelineHealthCheck(PipelineStatus status) {
        super("kalshi-fills", "pipeline");
        this.status = status;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PipelineStatus.Outcome polls = status.polls();
        PipelineStatus.Outcome inserts = status.inserts();
        List<String> problems = new ArrayList<>();
        if (polls.failing()) {
            problems.add("polls of Kalshi failing since " + polls.failingSince() + ": " + polls.failure());
        }
        if (inserts.failing()) {
            problems.add("inserts into ClickHouse failing since " + inserts.failingSince() + ": " + inserts.failure());
        }
        builder.detail("last_poll_ok", String.valueOf(polls.lastSuccess()));
        builder.detail("last_insert_ok", String.valueOf(inserts.lastSuccess()));
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message(String.join("; ", problems)).down();
        }
    }
}
