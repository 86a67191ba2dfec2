package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.backbone.JobState;
import java.util.List;
import java.util.Optional;

/**
 * The final outcome of one job: {@code delivered} (by {@code primary} or {@code fallback}) or
 * {@code failed}, with the failure classes seen on the way and why it ended.
 */
public record DeliveryOutcome(boolean delivered, Optional<String> deliveredBy, List<String> classesSeen, String reason) {

    public DeliveryOutcome {
        classesSeen = List.copyOf(classesSeen);
    }

    public JobState state() {
        return delivered ? JobState.DELIVERED : JobState.FAILED;
    }
}
