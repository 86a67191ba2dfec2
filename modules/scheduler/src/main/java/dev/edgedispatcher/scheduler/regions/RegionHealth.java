package dev.edgedispatcher.scheduler.regions;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each region is up (docs/regions.md, "Region health"): its cluster answers, and its
 * workers' consumer group has at least one member. A worker is a member while its consumer
 * heartbeats, which a thread of the Kafka client does whatever its deliveries are doing: workers
 * busy with one tenant's hanging destinations stay members, so one tenant can never make a region
 * look down. A killed worker leaves the group when its session times out
 * ({@link KafkaClientSettings#WORKER_SESSION_TIMEOUT_MS}); asked every {@value #CHECK_EVERY_MS} ms, a region whose
 * workers were all killed is down within about 7 s. A cluster that does not answer for
 * {@value #CLUSTER_DOWN_AFTER_MS} ms is down. Until the first answer a region counts as up.
 */
public final class RegionHealth implements AutoCloseable {

    static final long CHECK_EVERY_MS = 1_000;
    static final long CLUSTER_DOWN_AFTER_MS = 3_000;
    private static final int ASK_TIMEOUT_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(RegionHealth.class);

    /** A region's state. */
    public enum State {
        UNKNOWN("unknown"), UP("up"), NO_WORKERS("no_workers"), CLUSTER_DOWN("cluster_down");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether jobs may go to the region: up, or not known yet. */
        public boolean takesJobs() {
            return this == UP || this == UNKNOWN;
        }
    }

    private final Map<Region, Admin> admins = new EnumMap<>(Region.class);
    private final List<Admin> clients;
    private final Map<Region, State> states = new ConcurrentHashMap<>();
    private final Map<Region, Long> failingSince = new ConcurrentHashMap<>();
    private final Map<Region, Boolean> asking = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "region-health");
        thread.setDaemon(true);
        return thread;
    });

    public RegionHealth(Topology topology, MeterRegistry metrics) {
        Admin home = admin(topology.home(), "scheduler-region-health");
        List<Admin> all = new ArrayList<>(List.of(home));
        for (Region region : Region.values()) {
            if (topology.hasOwnCluster(region)) {
                Admin own = admin(topology.of(region), "scheduler-region-health-" + region.wireName());
                admins.put(region, own);
                all.add(own);
            } else {
                admins.put(region, home);
            }
            states.put(region, State.UNKNOWN);
            Gauge.builder("dispatcher_region_up", this, health -> health.state(region) == State.UP ? 1 : 0)
                    .tag("region", region.wireName())
                    .description("1 while the region's cluster answers and its workers' group has a member, else 0")
                    .register(metrics);
        }
        this.clients = List.copyOf(all);
    }

    private static Admin admin(KafkaConnection kafka, String clientId) {
        Map<String, Object> props = KafkaClientSettings.admin(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ASK_TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ASK_TIMEOUT_MS);
        return Admin.create(props);
    }

    public RegionHealth start() {
        timer.scheduleWithFixedDelay(this::checkAll, 0, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    public State state(Region region) {
        return states.getOrDefault(region, State.UNKNOWN);
    }

    /** Whether new jobs may go to {@code region}. */
    public boolean takesJobs(Region region) {
        return state(region).takesJobs();
    }

    /**
     * One question per cluster, naming the groups of every region on it: Kafka's admin client finds
     * their coordinators and describes them in one request each, instead of three requests per
     * region every second (in {@code up}, 15 a second to one broker while idle). Each group's answer
     * still arrives, and is judged, on its own.
     */
    private void checkAll() {
        Map<Admin, List<Region>> byCluster = new LinkedHashMap<>();
        for (Region region : Region.values()) {
            byCluster.computeIfAbsent(admins.get(region), admin -> new ArrayList<>()).add(region);
        }
        byCluster.forEach((admin, regions) -> {
            List<Region> ask = regions.stream().filter(region -> asking.putIfAbsent(region, Boolean.TRUE) == null).toList();
            if (ask.isEmpty()) {
                return; // the last question is still out
            }
            Map<String, KafkaFuture<ConsumerGroupDescription>> answers =
                    admin.describeConsumerGroups(ask.stream().map(Topics::workerGroup).toList(),
                            new DescribeConsumerGroupsOptions().timeoutMs(ASK_TIMEOUT_MS)).describedGroups();
            for (Region region : ask) {
                String group = Topics.workerGroup(region);
                answers.get(group).whenComplete((described, error) -> judge(region, group, described, error));
            }
        });
    }

    private void judge(Region region, String group, ConsumerGroupDescription described,
            Throwable error) {
        asking.remove(region);
        if (error == null || groupNeverExisted(error)) {
            // The cluster answered; a group nobody ever joined has no members (Kafka 4 says "not found").
            failingSince.remove(region);
            int members = error == null ? described.members().size() : 0;
            set(region, members > 0 ? State.UP : State.NO_WORKERS, members + " workers in " + group);
        } else {
            long now = System.nanoTime();
            long since = failingSince.computeIfAbsent(region, key -> now);
            if (now - since >= TimeUnit.MILLISECONDS.toNanos(CLUSTER_DOWN_AFTER_MS)) {
                set(region, State.CLUSTER_DOWN, "its cluster does not answer: " + error);
            }
        }
    }

    /** Whether {@code error} says the group does not exist (the cluster answered). */
    public static boolean groupNeverExisted(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private void set(Region region, State state, String why) {
        State before = states.put(region, state);
        if (before != state) {
            if (state == State.UP) {
                LOG.info("region {} is up ({})", region.wireName(), why);
            } else {
                LOG.warn("region {} is down: {} ({})", region.wireName(), state.wireName(), why);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        clients.forEach(admin -> admin.close(Duration.ofSeconds(2)));
    }
}
