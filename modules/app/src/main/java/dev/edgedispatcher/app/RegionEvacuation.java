package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.AckedProducer;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.GeoPoint;
import dev.edgedispatcher.resolver.RegionCatalogue;
import dev.edgedispatcher.scheduler.regions.RegionHealth;
import dev.edgedispatcher.worker.consume.OffsetMapCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code dispatcher evacuate} (docs/regions.md, "Evacuation"): while a region's cluster answers
 * and its workers are down, takes the region's consumer group, sends each queued job that may move
 * to the nearest region that is up (same id, same {@code webhook-id}, {@code failover_from} in its
 * resolution), and commits those offsets as finished in the workers' own encoding, so that the
 * region's workers skip them when they return. Jobs that may not move (explicit region, ordering
 * key, an account that stays) are left where they are.
 *
 * <p>Invariant: a job's offset is marked finished only after its copy in the other region was
 * acknowledged, and the group is held (so no worker of the region reads meanwhile) until the commit
 * is written; a crash between the two leaves the job in both places, delivered twice at most, never
 * lost.
 */
final class RegionEvacuation {

    /** What an evacuation found and did. */
    record Report(long scanned, long alreadyDone, Map<Region, Long> moved, long stayedExplicit, long stayedOrdered,
            long stayedAccount, long stayedNoRegionUp, long unreadable, long notHandled, boolean dryRun) {
        long movedTotal() {
            return moved.values().stream().mapToLong(Long::longValue).sum();
        }

        long stayed() {
            return stayedExplicit + stayedOrdered + stayedAccount + stayedNoRegionUp + unreadable;
        }
    }

    /** The region's workers are alive: evacuating would race them. */
    static final class WorkersAlive extends Exception {
        WorkersAlive(String message) {
            super(message);
        }
    }

    private final Topology topology;
    private final Region region;
    private final Set<String> stayingAccounts;
    private final PrintWriter progress;

    RegionEvacuation(Topology topology, Region region, Set<String> stayingAccounts, PrintWriter progress) {
        this.topology = topology;
        this.region = region;
        this.stayingAccounts = Set.copyOf(stayingAccounts);
        this.progress = progress;
    }

    Report run(boolean dryRun) throws Exception {
        String group = Topics.workerGroup(region);
        try (Admin admin = Admin.create(KafkaClientSettings.admin(topology.of(region)))) {
            int members;
            try {
                members = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group).members().size();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!RegionHealth.groupNeverExisted(e)) {
                    throw e;
                }
                members = 0; // no worker of the region ever joined
            }
            if (members > 0) {
                throw new WorkersAlive(members + " worker(s) of " + region.wireName() + " are in group " + group
                        + ": evacuate only a region whose workers are down");
            }
        }
        Map<Region, Boolean> up = regionsUp();
        progress.println("evacuate: regions up: " + up.entrySet().stream().filter(Map.Entry::getValue)
                .map(e -> e.getKey().wireName()).toList());
        progress.flush();
        Map<String, Object> settings = KafkaClientSettings.workerConsumer(topology.of(region), group,
                "evacuate-" + region.wireName());
        settings.put("max.poll.records", 1000);
        Map<Region, AckedProducer> producers = new EnumMap<>(Region.class);
        long scanned = 0;
        long alreadyDone = 0;
        long explicit = 0;
        long ordered = 0;
        long account = 0;
        long noRegion = 0;
        long unreadable = 0;
        long notHandled = 0;
        Map<Region, Long> moved = new EnumMap<>(Region.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings)) {
            consumer.subscribe(List.of(Topics.region(region)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            Set<TopicPartition> partitions = consumer.assignment();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("group " + group + " gave this evacuation no partitions within 30 s");
            }
            consumer.pause(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata commit = committed.get(partition);
                long base = commit == null ? begins.get(partition) : commit.offset();
                long end = ends.get(partition);
                TreeSet<Long> done = new TreeSet<>(commit == null ? Set.of() : OffsetMapCodec.decode(base, commit.metadata()));
                // The region's workers resume at the lowest unfinished offset: the jobs that stay keep it
                // low, and the finished ones above it must fit in the commit's metadata.
                long lowestStaying = -1;
                List<CompletableFuture<Long>> sends = new ArrayList<>();
                if (base < end) {
                    consumer.seek(partition, base);
                    consumer.resume(Set.of(partition));
                    long next = base;
                    long lastRead = System.nanoTime();
                    while (next < end) {
                        List<ConsumerRecord<String, byte[]>> records = consumer.poll(Duration.ofMillis(500)).records(partition);
                        if (!records.isEmpty()) {
                            lastRead = System.nanoTime();
                        } else if (System.nanoTime() - lastRead > TimeUnit.SECONDS.toNanos(10)) {
                            notHandled += end - next; // not readable now: left for the workers
                            lowestStaying = lowestStaying < 0 ? next : lowestStaying;
                            break;
                        }
                        for (ConsumerRecord<String, byte[]> record : records) {
                            if (record.offset() >= end) {
                                break;
                            }
                            next = record.offset() + 1;
                            scanned++;
                            if (done.contains(record.offset())) {
                                alreadyDone++;
                                continue;
                            }
                            if (lowestStaying >= 0 && record.offset() - lowestStaying >= OffsetMapCodec.MAX_WINDOW - 1000) {
                                notHandled++; // past what the commit metadata can mark finished: left for the workers
                                continue;
                            }
                            JobRecord job;
                            try {
                                job = RecordJson.read(record.value(), JobRecord.class);
                            } catch (Exception e) {
                                unreadable++; // a poison record: the region's workers send it to the DLQ
                                lowestStaying = lowestStaying < 0 ? record.offset() : lowestStaying;
                                continue;
                            }
                            String why = staysBecause(job);
                            Optional<RegionCatalogue.NearestRegion> target = why != null ? Optional.empty()
                                    : RegionCatalogue.nearestTo(referencePoint(job), r -> r != region && up.getOrDefault(r, false));
                            if (why == null && target.isEmpty()) {
                                why = "no region up";
                            }
                            if (why != null) {
                                switch (why) {
                                    case "explicit" -> explicit++;
                                    case "ordering_key" -> ordered++;
                                    case "account" -> account++;
                                    default -> noRegion++;
                                }
                                lowestStaying = lowestStaying < 0 ? record.offset() : lowestStaying;
                                continue;
                            }
                            Region to = target.get().region();
                            moved.merge(to, 1L, Long::sum);
                            if (!dryRun) {
                                JobRecord copy = moved(job, to, target.get().distanceKm());
                                ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.region(to), copy.kafkaKey(),
                                        RecordJson.write(copy));
                                out.headers().add(Topics.JOB_ID_HEADER, copy.id().getBytes(StandardCharsets.UTF_8));
                                long offset = record.offset();
                                sends.add(producers.computeIfAbsent(to, r -> new AckedProducer(topology.of(r),
                                        "evacuate-" + region.wireName() + "-to-" + r.wireName())).send(out)
                                        .thenApply(metadata -> offset));
                            }
                            if ((scanned % 1000) == 0) {
                                progress.printf("evacuate: partition %d: scanned %d, moving %d%n", partition.partition(), scanned,
                                        moved.values().stream().mapToLong(Long::longValue).sum());
                                progress.flush();
                            }
                        }
                    }
                    consumer.pause(Set.of(partition));
                }
                for (CompletableFuture<Long> send : sends) {
                    done.add(send.get(60, TimeUnit.SECONDS)); // a copy not acknowledged fails the evacuation: nothing committed
                }
                long commitAt = lowestStaying >= 0 ? lowestStaying : end;
                // Everything below the commit point is finished (moved or done before); above it, the list.
                while (!done.isEmpty() && done.first() < commitAt) {
                    done.pollFirst();
                }
                if (!dryRun) {
                    commits.put(partition, new OffsetAndMetadata(commitAt, OffsetMapCodec.encode(commitAt, done)));
                }
            }
            if (!dryRun && !commits.isEmpty()) {
                consumer.commitSync(commits, Duration.ofSeconds(30));
            }
        } finally {
            producers.values().forEach(AckedProducer::close);
        }
        return new Report(scanned, alreadyDone, moved, explicit, ordered, account, noRegion, unreadable, notHandled, dryRun);
    }

    /** Why {@code job} may not move, or null when it may. */
    private String staysBecause(JobRecord job) {
        String rule = job.resolution() == null ? "explicit" : job.resolution().path("rule").asText("explicit");
        if (rule.equals("explicit")) {
            return "explicit";
        }
        if (job.orderingKey() != null) {
            return "ordering_key";
        }
        if (stayingAccounts.contains(job.account() == null ? JobRecord.DEFAULT_ACCOUNT : job.account())) {
            return "account";
        }
        return null;
    }

    /** Where the job's rule measured from: its location, else this region's own. */
    private GeoPoint referencePoint(JobRecord job) {
        JsonNode location = job.resolution() == null ? null : job.resolution().get("location");
        if (location != null && location.hasNonNull("lat") && location.hasNonNull("lon")) {
            return new GeoPoint(location.get("lat").asDouble(), location.get("lon").asDouble());
        }
        return RegionCatalogue.locationOf(region);
    }

    private JobRecord moved(JobRecord job, Region to, double distanceKm) {
        ObjectNode resolution = job.resolution() == null ? RecordJson.MAPPER.createObjectNode()
                : ((ObjectNode) job.resolution()).deepCopy();
        resolution.put("failover_from", region.wireName());
        resolution.put("distance_km", Math.round(distanceKm * 10) / 10.0);
        resolution.put("reason", "evacuated from " + region.wireName() + " (down): " + to.wireName()
                + " is the nearest region that is up; " + resolution.path("reason").asText(""));
        return new JobRecord(job.id(), job.url(), job.kind(), job.method(), job.params(), job.body(), job.contentType(),
                job.fallbackUrl(), job.mediaServer(), job.orderingKey(), job.account(), to.wireName(), resolution, job.policy(),
                job.submittedAtMs(), job.webhookId(), job.retryOf());
    }

    /** Which regions are up now, asked as the scheduler asks (up to 10 s for every answer). */
    private Map<Region, Boolean> regionsUp() throws InterruptedException {
        Map<Region, Boolean> up = new EnumMap<>(Region.class);
        try (RegionHealth health = new RegionHealth(topology, new SimpleMeterRegistry()).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                boolean known = true;
                for (Region r : Region.values()) {
                    known &= health.state(r) != RegionHealth.State.UNKNOWN;
                }
                if (known) {
                    break;
                }
                Thread.sleep(200);
            }
            for (Region r : Region.values()) {
                up.put(r, health.state(r) == RegionHealth.State.UP);
            }
        }
        return up;
    }
}
