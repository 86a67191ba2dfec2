package dev.edgedispatcher.scheduler.explain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.CallbackPolicy;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.resolver.GeoLocation;
import dev.edgedispatcher.resolver.Resolution;

/** The JSON shapes (docs/api.md, "HTTP API") of a policy, a resolution and an input error. */
public final class PolicyJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PolicyJson() {
    }

    /** {@code {ct, rt, tt (null when none), rc, rp: [..], er}}. */
    public static ObjectNode policy(CallbackPolicy policy) {
        ObjectNode node = JSON.objectNode();
        node.put("ct", policy.connectTimeoutMs());
        node.put("rt", policy.readTimeoutMs());
        if (policy.totalTimeoutMs().isPresent()) {
            node.put("tt", policy.totalTimeoutMs().getAsInt());
        } else {
            node.putNull("tt");
        }
        node.put("rc", policy.retryCount());
        policy.retryOnWireNames().forEach(node.putArray("rp")::add);
        node.put("er", policy.edgeRegion().wireName());
        return node;
    }

    /** {@code {rule, host, ip, location: {lat, lon, city, country}, distance_km, reason}}; absent parts are null. */
    public static ObjectNode resolution(Resolution resolution) {
        ObjectNode node = JSON.objectNode();
        node.put("rule", resolution.rule().wireName());
        node.put("host", resolution.host().orElse(null));
        node.put("ip", resolution.ip().orElse(null));
        if (resolution.location().isPresent()) {
            GeoLocation location = resolution.location().get();
            ObjectNode where = node.putObject("location");
            where.put("lat", location.point().latitude());
            where.put("lon", location.point().longitude());
            where.put("city", location.city().isEmpty() ? null : location.city());
            where.put("country", location.countryCode().isEmpty() ? null : location.countryCode());
        } else {
            node.putNull("location");
        }
        if (resolution.distanceKm().isPresent()) {
            node.put("distance_km", Math.round(resolution.distanceKm().getAsDouble() * 10) / 10.0);
        } else {
            node.putNull("distance_km");
        }
        node.put("reason", resolution.reason());
        resolution.failoverFrom().ifPresent(from -> node.put("failover_from", from.wireName()));
        return node;
    }

    /** {@code {error, field, detail, value, allowed}}: the 400 body and the CLI's error. */
    public static ObjectNode error(PolicyError error) {
        ObjectNode node = JSON.objectNode();
        node.put("error", "invalid_field");
        node.put("field", error.field());
        node.put("detail", error.detail());
        node.put("value", error.value());
        node.put("allowed", error.allowed());
        return node;
    }
}
