package dev.edgedispatcher.backbone.health;

import java.util.Objects;

/** One component's answer to a health probe: up or down, and a short reason a person can act on. */
public record ComponentStatus(boolean up, String detail) {

    public ComponentStatus {
        Objects.requireNonNull(detail, "detail");
    }

    public static ComponentStatus up(String detail) {
        return new ComponentStatus(true, detail);
    }

    public static ComponentStatus down(String detail) {
        return new ComponentStatus(false, detail);
    }
}
