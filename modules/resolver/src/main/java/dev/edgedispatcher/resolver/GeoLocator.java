package dev.edgedispatcher.resolver;

import java.net.InetAddress;
import java.util.Optional;

/** Looks up where an IP address is. Implementations may block on file I/O: never call on an event loop. */
public interface GeoLocator {

    Optional<GeoLocation> locate(InetAddress address);

    /** The data source's attribution line, shown wherever results are shown. */
    String attribution();
}
