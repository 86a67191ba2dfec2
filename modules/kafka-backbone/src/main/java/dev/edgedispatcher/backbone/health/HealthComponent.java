package dev.edgedispatcher.backbone.health;

/**
 * A part of a process that health probes ask (docs/operations.md): liveness is "can this part still
 * make progress" (a supervisor restarts the process when not), readiness is "is it connected and
 * able to serve" (traffic and lag-based scaling wait for it).
 */
public interface HealthComponent {

    String name();

    ComponentStatus liveness();

    ComponentStatus readiness();
}
