package dev.edgedispatcher.frontdoor;

import java.time.Duration;

/**
 * How long an HTTP server of this process waits for a client, and how many connections it holds
 * (docs/operations.md): slow or half-sent requests are closed instead of piling up until the
 * process runs out of file descriptors.
 *
 * @param headerTimeout from accepting a connection until the first request's headers are complete
 * @param bodyTimeout from a request's headers until its body is complete (answered {@code 408})
 * @param idleTimeout from a response's end until the next request's headers are complete on a
 *     kept-alive connection
 * @param maxConnections connections open at once; past it a new connection is closed at once
 */
public record FrontDoorLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    /** Above the 60 s idle timeout of common load balancers, which must close first. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(65);
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    /** The defaults: 10 s for headers, 30 s for a body, 65 s idle, 4,096 connections. */
    public static final FrontDoorLimits DEFAULTS = new FrontDoorLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);

    /**
     * A health and metrics port: probes and scrapers need few connections; 10 s for headers, 30 s
     * for a body, 30 s idle, 256 connections.
     */
    public static final FrontDoorLimits HEALTH_PORT = new FrontDoorLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
            Duration.ofSeconds(30), 256);

    public FrontDoorLimits {
        positive("header timeout", headerTimeout);
        positive("body timeout", bodyTimeout);
        positive("idle timeout", idleTimeout);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the connection cap must be at least 1, not " + maxConnections);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the " + name + " must be positive, not " + value);
        }
    }
}
