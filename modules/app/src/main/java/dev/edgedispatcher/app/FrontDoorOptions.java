package dev.edgedispatcher.app;

import dev.edgedispatcher.frontdoor.FrontDoorLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The limits of the scheduler's HTTP server (docs/operations.md); used by `scheduler` and `up`. */
final class FrontDoorOptions {

    @Option(names = "--http-header-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "A connection's request headers must be complete this long after it opened, else it is closed"
                    + " (default: ${DEFAULT-VALUE}).")
    long headerTimeoutMs;

    @Option(names = "--http-body-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "A request's body must be complete this long after its headers, else 408 and closed"
                    + " (default: ${DEFAULT-VALUE}).")
    long bodyTimeoutMs;

    @Option(names = "--http-idle-timeout-ms", paramLabel = "MS", defaultValue = "65000",
            description = "A kept-alive connection is closed when its next request's headers are not complete this long"
                    + " after the last response; keep it above a load balancer's idle timeout (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(names = "--http-max-connections", paramLabel = "N", defaultValue = "4096",
            description = "HTTP connections open at once; more are closed as they arrive (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    FrontDoorLimits limits() {
        return new FrontDoorLimits(Duration.ofMillis(headerTimeoutMs), Duration.ofMillis(bodyTimeoutMs),
                Duration.ofMillis(idleTimeoutMs), maxConnections);
    }
}
