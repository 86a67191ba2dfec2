package dev.edgedispatcher.backbone.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The components of one process, asked in registration order. Thread-safe. */
public final class HealthChecks {

    private final List<HealthComponent> components = new CopyOnWriteArrayList<>();

    public HealthChecks add(HealthComponent component) {
        components.add(component);
        return this;
    }

    public HealthReport report(Probe probe) {
        Map<String, ComponentStatus> statuses = new LinkedHashMap<>();
        boolean up = true;
        for (HealthComponent component : components) {
            ComponentStatus status;
            try {
                status = probe == Probe.LIVE ? component.liveness() : component.readiness();
            } catch (RuntimeException e) {
                status = ComponentStatus.down("health check failed: " + e);
            }
            statuses.put(component.name(), status);
            up &= status.up();
        }
        return new HealthReport(up, statuses);
    }
}
