package dev.edgedispatcher.callback;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The keys a callback-configuration fragment may hold, with their allowed values and defaults. */
public enum PolicyKey {
    CT("ct", "connect timeout in ms (TCP connect plus TLS handshake of one attempt)", 100, 10_000),
    RT("rt", "read timeout in ms (to the first response byte, and the longest gap between later packets)", 100, 40_000),
    TT("tt", "total timeout in ms over all attempts and waits on this URL, fallback excluded", 100, 55_000),
    RC("rc", "retry count: attempts after the first", 0, 5),
    RP("rp", "retry policy", 0, 0),
    ER("er", "edge region", 0, 0);

    private final String key;
    private final String meaning;
    private final int min;
    private final int max;

    PolicyKey(String key, String meaning, int min, int max) {
        this.key = key;
        this.meaning = meaning;
        this.min = min;
        this.max = max;
    }

    public String key() {
        return key;
    }

    public String meaning() {
        return meaning;
    }

    /** Smallest allowed value of a numeric key. */
    public int min() {
        return min;
    }

    /** Largest allowed value of a numeric key. */
    public int max() {
        return max;
    }

    public boolean isNumeric() {
        return this != RP && this != ER;
    }

    /** What is allowed, as shown in errors: {@code 100–10000} for numbers, the words otherwise. */
    public String allowed() {
        return switch (this) {
            case RP -> "a comma-separated non-empty list of 4xx, 5xx, ct, rt, all";
            case ER -> "nearest, local, " + Region.allWireNames();
            default -> min + "–" + max;
        };
    }

    public static Optional<PolicyKey> fromKey(String key) {
        for (PolicyKey policyKey : values()) {
            if (policyKey.key.equals(key)) {
                return Optional.of(policyKey);
            }
        }
        return Optional.empty();
    }

    /** All keys, comma separated, for error messages. */
    public static String allKeys() {
        return Arrays.stream(values()).map(PolicyKey::key).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return key;
    }
}
