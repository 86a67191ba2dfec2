package dev.edgedispatcher.backbone.health;

import java.util.Objects;

/** One component's answer to a health probe: up or down, and a short reason a person can act on. */
public record ComponentStatus(boolean up, String detail, boolean degraded) {

    public ComponentStatus(boolean up, String detail) {
        this(up, detail, false);
    }


    public ComponentStatus {
        Objects.requireNonNull(detail, "detail");
    }

    public static ComponentStatus up(String detail) {
        return new ComponentStatus(true, detail);
    }

    public static ComponentStatus down(String detail) {
        return new ComponentStatus(false, detail);
    }

    /**
     * Not working, but the process still serves what matters most (the job store away: jobs keep
     * flowing): the probe stays up, so load balancers keep every replica, and it shows as degraded.
     */
    public static ComponentStatus degraded(String detail) {
        return new ComponentStatus(true, detail, true);
    }
}
