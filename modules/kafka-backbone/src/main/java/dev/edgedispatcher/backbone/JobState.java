package dev.edgedispatcher.backbone;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a job is in its life (docs/api.md, "HTTP API"): accepted and waiting for a worker, being
 * delivered, or final. Only the two final states are ever written as an outcome, and a job's first
 * final state stands.
 */
public enum JobState {
    /** Accepted and published to its region's topic; no worker has begun it yet. */
    QUEUED("queued"),
    /** A worker began delivering it (its attempts so far are listed). */
    IN_FLIGHT("in_flight"),
    /** Final: a 2xx from the primary or the fallback URL. */
    DELIVERED("delivered"),
    /** Final: every attempt allowed was made and none succeeded, or the job could not be run. */
    FAILED("failed");

    private final String wireName;

    JobState(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON, query parameters, the job store and the results topic. */
    public String wireName() {
        return wireName;
    }

    public boolean isFinal() {
        return this == DELIVERED || this == FAILED;
    }

    /** The state of {@code name} as written on the wire, or empty when there is none. */
    public static Optional<JobState> fromWire(String name) {
        return Arrays.stream(values()).filter(state -> state.wireName.equals(name)).findFirst();
    }

    /** Every state's wire name, in life order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(JobState::wireName).toList();
    }

    /** The final states' wire names. */
    public static List<String> finalWireNames() {
        return Arrays.stream(values()).filter(JobState::isFinal).map(JobState::wireName).toList();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
