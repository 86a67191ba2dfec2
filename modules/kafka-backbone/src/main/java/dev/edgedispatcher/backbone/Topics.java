package dev.edgedispatcher.backbone;

import dev.edgedispatcher.callback.Region;
import java.util.ArrayList;
import java.util.List;

/** The topic names. See docs/api.md, "Kafka topics". */
public final class Topics {

    /** Intake for producers that publish jobs directly. */
    public static final String JOBS = "webhooks.jobs";
    /** Attempt and final-outcome events. */
    public static final String RESULTS = "webhooks.results";
    /** Records that could not be processed at all, with the reason. */
    public static final String DLQ = "webhooks.dlq";

    /**
     * Header carrying the job id on region records, so a reader that already knows the job (the
     * scheduler that accepted it) can skip parsing the value.
     */
    public static final String JOB_ID_HEADER = "job-id";

    private static final String REGION_PREFIX = "webhooks.region.";

    private Topics() {
    }

    /** {@code webhooks.region.<region>}: the jobs one region's workers deliver. */
    public static String region(Region region) {
        return REGION_PREFIX + region.wireName();
    }

    /** The region whose topic {@code topic} is, if it is a region topic. */
    public static java.util.Optional<Region> regionOf(String topic) {
        return topic.startsWith(REGION_PREFIX) ? Region.fromWireName(topic.substring(REGION_PREFIX.length()))
                : java.util.Optional.empty();
    }

    /**
     * {@code edge-dispatcher-workers-<region>}: the consumer group of one region's workers (the
     * scheduler reads its committed offsets for the region's lag).
     */
    public static String workerGroup(Region region) {
        return "edge-dispatcher-workers-" + region.wireName();
    }

    public static List<String> allRegionTopics() {
        List<String> topics = new ArrayList<>();
        for (Region region : Region.values()) {
            topics.add(region(region));
        }
        return topics;
    }
}
