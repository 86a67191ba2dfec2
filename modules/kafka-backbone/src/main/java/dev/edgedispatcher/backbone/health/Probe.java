package dev.edgedispatcher.backbone.health;

/** The two questions a probe asks: {@code /health/live} and {@code /health/ready}. */
public enum Probe {
    LIVE,
    READY
}
