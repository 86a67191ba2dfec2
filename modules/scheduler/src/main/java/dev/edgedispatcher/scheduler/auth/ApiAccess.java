package dev.edgedispatcher.scheduler.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may use {@code /v1} (docs/operations.md, "Accounts and API keys"): open when there are no
 * keys and none is required; otherwise every {@code /v1} request needs
 * {@code Authorization: Bearer <key>}, optionally rate limited per key.
 */
public record ApiAccess(ApiKeys keys, boolean requireKey, Optional<RateLimit> rateLimit) {

    public static final ApiAccess OPEN = new ApiAccess(ApiKeys.none(), false, Optional.empty());

    public ApiAccess {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(rateLimit, "rateLimit");
    }

    /** Whether {@code /v1} needs a key. */
    public boolean enforced() {
        return requireKey || !keys.isEmpty();
    }
}
