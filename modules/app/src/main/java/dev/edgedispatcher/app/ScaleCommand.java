package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaClientSettings;
import dev.edgedispatcher.backbone.Topics;
import dev.edgedispatcher.callback.Region;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dispatcher scale}: sets how many workers a region's consumer group has. Partitions grow so
 * that every worker gets some; local worker processes are started or stopped (SIGTERM, so they
 * commit and leave cleanly) from a pool kept under the data dir. Members this command did not start
 * (e.g. the worker inside {@code up}) count but are never stopped.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Scales one region's worker pool to N consumer-group members.",
                "It grows the region topic to at least N partitions, then starts or stops local `dispatcher worker`"
                        + " processes.",
                "The workers it starts are configured like the pool: as `up` saved it in the data dir, or as the first"
                        + " `scale` of the data dir was told with the worker options below."})
final class ScaleCommand implements Callable<Integer> {

    @Option(names = "--region", paramLabel = "R", required = true, description = "The region to scale.")
    String regionName;

    @Option(names = "--workers", paramLabel = "N", required = true, description = "Members the region's group should have.")
    int workers;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: the one `dispatcher up` wrote in the data dir).")
    String bootstrap;

    @picocli.CommandLine.Mixin
    KafkaClientOptions kafkaClientOptions;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the pool's pid files and logs live, and where `up` wrote its bootstrap (default: as `up`).")
    Path dataDir;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the group to reach N members (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Mixin
    WorkerOptions workerOptions;

    @Mixin
    TopologyOptions topologyOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Region region = Region.fromWireName(regionName).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--region " + regionName + " is not a region: allowed are " + Region.allWireNames()));
        if (workers < 0) {
            throw new ParameterException(spec.commandLine(), "--workers " + workers + " must be 0 or more");
        }
        Path data = dataDir != null ? dataDir : UpCommand.defaultDataDir();
        String kafka = bootstrap != null ? bootstrap : UpCommand.readBootstrap(data).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "no --bootstrap given and no running `dispatcher up` found in " + data));
        Path pool = data.resolve("workers").resolve(region.wireName());
        Files.createDirectories(pool);
        WorkerPoolConfig config = poolConfig(data, out);
        String topic = Topics.region(region);
        String group = Topics.workerGroup(region);
        dev.edgedispatcher.backbone.Topology topology = topologyOptions.resolve(spec, kafkaClientOptions, kafka);
        // The region's topic and group live on its own cluster when it has one (docs/regions.md).
        try (Admin admin = Admin.create(KafkaClientSettings.admin(topology.of(region)))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            int partitions = description.partitions().size();
            if (partitions < workers) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(workers))).all().get();
                out.println(topic + ": partitions " + partitions + " -> " + workers);
            } else {
                out.println(topic + ": " + partitions + " partitions (enough for " + workers + " workers)");
            }
            List<ProcessHandle> mine = livePool(pool);
            int others = Math.max(0, members(admin, group) - mine.size());
            int wanted = Math.max(0, workers - others);
            if (workers < others) {
                out.println("note: " + others + " member(s) were not started by `scale` (e.g. inside `up`); they are left alone");
            }
            for (int i = mine.size(); i < wanted; i++) {
                ProcessHandle started = startWorker(kafka, kafkaClientOptions.kafkaConfig, topologyOptions.topology, region, pool,
                        config);
                out.println("started worker pid " + started.pid() + " (log: " + pool.resolve(started.pid() + ".log") + ")");
            }
            List<ProcessHandle> newestFirst = new ArrayList<>(mine);
            newestFirst.sort(Comparator.comparing((ProcessHandle handle) -> handle.info().startInstant().orElse(null),
                    Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
            for (int i = 0; i < mine.size() - wanted; i++) {
                ProcessHandle victim = newestFirst.get(i);
                victim.destroy();
                victim.onExit().get(30, TimeUnit.SECONDS);
                Files.deleteIfExists(pool.resolve(victim.pid() + ".pid"));
                out.println("stopped worker pid " + victim.pid());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            int now = members(admin, group);
            while (now != Math.max(workers, others) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                now = members(admin, group);
            }
            out.println(group + ": " + now + " member(s)");
            out.flush();
            return now == Math.max(workers, others) ? 0 : 1;
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description == null ? 0 : description.members().size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return 0; // no worker of this region has ever joined
            }
            throw e;
        }
    }

    /** Pool processes still alive; stale pid files are removed. */
    private static List<ProcessHandle> livePool(Path pool) throws IOException {
        List<ProcessHandle> alive = new ArrayList<>();
        try (Stream<Path> files = Files.list(pool)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".pid")).toList()) {
                long pid = Long.parseLong(Files.readString(file).trim());
                Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
                if (handle.isPresent()) {
                    alive.add(handle.get());
                } else {
                    Files.deleteIfExists(file);
                }
            }
        }
        return alive;
    }

    /**
     * The pool's saved configuration; when none is saved yet (no `up` ran workers in this data dir),
     * this command's worker options become it. Options given to `scale` that differ from a saved
     * configuration are refused: members of one pool are configured alike.
     */
    private WorkerPoolConfig poolConfig(Path data, PrintWriter out) throws IOException {
        Optional<WorkerPoolConfig> saved = WorkerPoolConfig.read(data);
        List<String> given = workerOptions.asWorkerArgs(List.of());
        boolean anyGiven = spec.mixins().get("workerOptions").options().stream()
                .anyMatch(option -> spec.commandLine().getParseResult().hasMatchedOption(option));
        if (saved.isPresent()) {
            if (anyGiven && !given.equals(saved.get().workerArgs())) {
                throw new ParameterException(spec.commandLine(), "the pool in " + data + " is configured as "
                        + String.join(" ", saved.get().workerArgs()) + " (see " + WorkerPoolConfig.file(data)
                        + "); `scale` starts workers exactly like it, so give no worker options, or use another --data-dir");
            }
            out.println("pool configuration: " + WorkerPoolConfig.file(data));
            return saved.get();
        }
        workerOptions.accounts(out); // chooses the default token: $DISPATCHER_AUTH_TOKEN, or a new one, printed
        WorkerPoolConfig config = new WorkerPoolConfig(given, workerOptions.defaultToken);
        config.write(data);
        out.println("pool configuration saved to " + WorkerPoolConfig.file(data) + " for the next `scale`");
        return config;
    }

    /**
     * A detached `dispatcher worker` process on the same Java and class path as this one, configured
     * like its pool, with this command's Kafka client settings (if any).
     */
    private static ProcessHandle startWorker(String kafka, Path kafkaConfig, Path topology, Region region, Path pool,
            WorkerPoolConfig config) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: the caller's Ctrl-C does not reach it
        }
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), Dispatcher.class.getName(), "worker",
                "--bootstrap", kafka, "--region", region.wireName(), "--metrics-port", "0"));
        command.addAll(config.workerArgs());
        if (kafkaConfig != null) {
            command.addAll(List.of("--kafka-config", kafkaConfig.toAbsolutePath().toString()));
        }
        if (topology != null) {
            command.addAll(List.of("--topology", topology.toAbsolutePath().toString()));
        }
        Path log = Files.createTempFile(pool, "starting-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The secret goes by environment, not on a command line others can read.
        builder.environment().put("DISPATCHER_AUTH_TOKEN", config.defaultAuthToken());
        Process process = builder.start();
        Files.move(log, pool.resolve(process.pid() + ".log"));
        Files.writeString(pool.resolve(process.pid() + ".pid"), Long.toString(process.pid()));
        return process.toHandle();
    }
}
