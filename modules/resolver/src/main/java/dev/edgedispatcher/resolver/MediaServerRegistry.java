package dev.edgedispatcher.resolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where media servers are: ids or IPs mapped to a region name or to coordinates (the
 * {@code --media-servers FILE} JSON; see docs/callbacks.md, "Edge regions"). The built-in registry
 * lists {@code ms-<region>-1} per region.
 */
public final class MediaServerRegistry {

    /** A registry entry: a region, or a point whose nearest region is used. */
    public record Placement(Optional<Region> region, Optional<GeoPoint> point) {
    }

    private final Map<String, Placement> entries;

    private MediaServerRegistry(Map<String, Placement> entries) {
        this.entries = Map.copyOf(entries);
    }

    public static MediaServerRegistry builtIn() {
        Map<String, Placement> entries = new LinkedHashMap<>();
        for (Region region : Region.values()) {
            entries.put("ms-" + region.wireName() + "-1", new Placement(Optional.of(region), Optional.empty()));
        }
        return new MediaServerRegistry(entries);
    }

    /** Reads the JSON file; an entry that is neither a region name nor {lat, lon} is an error naming it. */
    public static MediaServerRegistry load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": the media-server registry must be a JSON object of id or IP to a region"
                    + " name or {\"lat\": .., \"lon\": ..}");
        }
        Map<String, Placement> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            entries.put(entry.getKey(), placementOf(file, entry.getKey(), entry.getValue()));
        }
        return new MediaServerRegistry(entries);
    }

    private static Placement placementOf(Path file, String id, JsonNode value) throws IOException {
        if (value.isTextual()) {
            Optional<Region> region = Region.fromWireName(value.asText());
            if (region.isEmpty()) {
                throw new IOException(file + ": media server '" + id + "' maps to '" + value.asText()
                        + "', which is not a region: allowed are " + Region.allWireNames());
            }
            return new Placement(region, Optional.empty());
        }
        if (value.isObject() && value.path("lat").isNumber() && value.path("lon").isNumber()) {
            try {
                return new Placement(Optional.empty(),
                        Optional.of(new GeoPoint(value.get("lat").asDouble(), value.get("lon").asDouble())));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": media server '" + id + "': " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": media server '" + id + "' maps to " + value
                + ": allowed is a region name (" + Region.allWireNames() + ") or {\"lat\": .., \"lon\": ..}");
    }

    public Optional<Placement> lookup(String idOrIp) {
        return Optional.ofNullable(entries.get(idOrIp));
    }

    public int size() {
        return entries.size();
    }
}
