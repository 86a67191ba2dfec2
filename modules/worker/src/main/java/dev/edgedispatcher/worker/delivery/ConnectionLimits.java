package dev.edgedispatcher.worker.delivery;

/**
 * Bounds on the HTTP connections of one worker process, whatever the number of destinations.
 *
 * @param maxConnections open connections (connecting, in use and idle) per process; past it, the
 *     least recently used idle connection is closed, and when none is idle an attempt waits (its tt
 *     keeps running, its ct does not)
 * @param maxConnecting connects in progress at once per process: a burst of new destinations
 *     queues here instead of flooding the network, and ct starts only when a connect really starts
 * @param idleTimeoutMs an idle connection is closed after this long (below the 5 s keep-alive of
 *     common servers, so that we rarely send on a connection the server is closing)
 */
public record ConnectionLimits(int maxConnections, int maxConnecting, long idleTimeoutMs) {

    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(4096, 512, 4000);

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        if (maxConnecting < 1) {
            throw new IllegalArgumentException("maxConnecting must be at least 1, not " + maxConnecting);
        }
        if (idleTimeoutMs < 1) {
            throw new IllegalArgumentException("idleTimeoutMs must be at least 1, not " + idleTimeoutMs);
        }
    }

    /** The share of one of {@code parts} event loops, at least one of each. */
    ConnectionLimits share(int parts) {
        return new ConnectionLimits(Math.max(1, maxConnections / parts), Math.max(1, maxConnecting / parts), idleTimeoutMs);
    }
}
