package dev.edgedispatcher.backbone.health;

import dev.edgedispatcher.backbone.RecordJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code /health/live} or {@code /health/ready}: up only when every component is;
 * served as {@code {"status": "up|degraded|down", "components": {name: {"status", "detail"}}}} with 200 or
 * 503. A degraded component (see {@link ComponentStatus#degraded}) leaves the probe up (200).
 */
public record HealthReport(boolean up, Map<String, ComponentStatus> components) {

    public HealthReport {
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    public int httpStatus() {
        return up ? 200 : 503;
    }

    public byte[] toJson() {
        Map<String, Object> parts = new LinkedHashMap<>();
        components.forEach((name, status) -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("status", status.degraded() ? "degraded" : status.up() ? "up" : "down");
            part.put("detail", status.detail());
            parts.put(name, part);
        });
        Map<String, Object> document = new LinkedHashMap<>();
        boolean degraded = components.values().stream().anyMatch(ComponentStatus::degraded);
        document.put("status", !up ? "down" : degraded ? "degraded" : "up");
        document.put("components", parts);
        return RecordJson.write(document);
    }
}
