package dev.edgedispatcher.app;

import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.auth.RateLimit;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Who may call `/v1`: API keys of the accounts file, and per-key rate limits; `scheduler` and `up`.
 * See docs/operations.md, "Accounts and API keys".
 */
final class ApiAccessOptions {

    @Option(names = "--require-api-key",
            description = "Every /v1 request needs Authorization: Bearer <key>, even when the accounts file has no keys"
                    + " (it always does when any account has one).")
    boolean requireApiKey;

    @Option(names = "--rate-limit", paramLabel = "N/s",
            description = "Requests per second per API key (a batch counts its jobs), past it 429 with Retry-After"
                    + " (default: no limit).")
    String rateLimit;

    @Option(names = "--rate-limit-burst", paramLabel = "N",
            description = "Requests a key may send at once before --rate-limit applies (default: twice the rate).")
    Integer rateLimitBurst;

    ApiAccess access(Path accountsFile) throws IOException {
        ApiKeys keys = accountsFile == null ? ApiKeys.none() : ApiKeys.load(accountsFile);
        Optional<RateLimit> limit = rateLimit == null ? Optional.empty() : Optional.of(RateLimit.parse(rateLimit, rateLimitBurst));
        return new ApiAccess(keys, requireApiKey, limit);
    }

    /** One line saying how /v1 is protected, for start-up. */
    static String describe(ApiAccess access) {
        if (!access.enforced()) {
            return "api keys: none: /v1 is open to anyone who can reach it";
        }
        return "api keys: " + access.keys().size() + " configured: /v1 needs Authorization: Bearer <key>"
                + access.rateLimit().map(limit -> " (at most " + limit.perSecond() + "/s per key, bursts of "
                        + limit.burst() + ")").orElse("");
    }

    static boolean isLoopback(String host) throws IOException {
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (!address.isLoopbackAddress()) {
                return false;
            }
        }
        return true;
    }
}
