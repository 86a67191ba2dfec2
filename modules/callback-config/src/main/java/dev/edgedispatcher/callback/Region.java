package dev.edgedispatcher.callback;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The five edge regions; their wire names are used in topics, configuration and metrics. */
public enum Region {
    N_CALIFORNIA("n_california"),
    N_VIRGINIA("n_virginia"),
    FRANKFURT("frankfurt"),
    SINGAPORE("singapore"),
    MUMBAI("mumbai");

    private final String wireName;

    Region(String wireName) {
        this.wireName = wireName;
    }

    /** The exact name used on the wire, e.g. {@code n_california}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Region> fromWireName(String name) {
        for (Region region : values()) {
            if (region.wireName.equals(name)) {
                return Optional.of(region);
            }
        }
        return Optional.empty();
    }

    /** All wire names, comma separated, for error messages. */
    public static String allWireNames() {
        return Arrays.stream(values()).map(Region::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
