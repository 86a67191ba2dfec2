package dev.edgedispatcher.scheduler;

import dev.edgedispatcher.callback.Region;

/**
 * A job of a region with a Kafka cluster of its own could not be written there (docs/regions.md):
 * answered 503 {@code region_unavailable}. The cause is kept, so whether the record may
 * nevertheless have been written ({@link dev.edgedispatcher.backbone.NotSentException#mayHaveBeenWritten})
 * is judged as for any send.
 */
public final class RegionUnavailableException extends RuntimeException {

    private final Region region;

    public RegionUnavailableException(Region region, Throwable cause) {
        super("region " + region.wireName() + "'s Kafka cluster did not take the job", cause);
        this.region = region;
    }

    public Region region() {
        return region;
    }
}
