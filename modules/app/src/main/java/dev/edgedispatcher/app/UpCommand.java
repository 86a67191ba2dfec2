package dev.edgedispatcher.app;

import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.backbone.KafkaConnection;
import java.io.PrintWriter;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.sign.Accounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dispatcher up}: the whole system locally, on an embedded Kafka broker; Ctrl-C stops it. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Runs everything locally: an embedded Kafka broker, the scheduler and one worker per region.",
                "The broker is a single KRaft node; the topics are created at start.",
                "The scheduler's HTTP API and its status page are served on --port (http://127.0.0.1:8080/ by default).",
                "Ctrl-C stops cleanly; the data dir is kept."})
final class UpCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "HTTP listen address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
            description = "Kafka listener port (default: a free port, printed at start).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where Kafka keeps its data (default: $XDG_DATA_HOME/edge-dispatcher or ~/.local/share/edge-dispatcher).")
    Path dataDir;

    @Option(names = "--no-workers", description = "Run broker and scheduler only; start workers as separate processes.")
    boolean noWorkers;

    @Mixin
    ResolverOptions resolverOptions;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    JobStoreOptions jobStoreOptions;

    @Mixin
    WorkerOptions workerOptions;

    @Mixin
    ApiAccessOptions apiAccessOptions;

    @Mixin
    FrontDoorOptions frontDoorOptions;

    @Mixin
    KafkaClientOptions kafkaClientOptions;

    @Mixin
    TopologyOptions topologyOptions;

    /** Local mode calls local receivers: loopback is allowed, and said so at start-up. */
    static final List<String> LOCAL_ALLOWED = List.of("127.0.0.0/8", "::1/128");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path data = dataDir != null ? dataDir : defaultDataDir();
        out.println("edge-dispatcher: starting (data dir " + data.toAbsolutePath() + ")");
        out.flush();
        if (workerOptions.accountsFile == null && Files.exists(data.resolve(KeysCommand.ACCOUNTS_FILE))) {
            workerOptions.accountsFile = data.resolve(KeysCommand.ACCOUNTS_FILE);
        }
        dev.edgedispatcher.scheduler.auth.ApiAccess access = apiAccessOptions.access(workerOptions.accountsFile);
        if (!access.enforced() && !ApiAccessOptions.isLoopback(host)) {
            // Local mode without keys: an open API on a shared network is refused, not warned about.
            spec.commandLine().getErr().println("error: refusing to serve an open /v1 on " + host + ": without API keys `up`"
                    + " listens on loopback only. Create a key (dispatcher keys create --account A) or pass"
                    + " --require-api-key, or drop --host.");
            spec.commandLine().getErr().flush();
            return ExitCode.INVALID_INPUT;
        }
        // Loopback is allowed to the workers only while the API is itself on loopback: a key holder
        // reaching `up` over the network must not make it call the machine's own services.
        List<String> loopbackAllowance = ApiAccessOptions.isLoopback(host) ? LOCAL_ALLOWED : List.of();
        Accounts accounts = noWorkers ? null : workerOptions.accounts(out);
        KafkaConnection local = kafkaClientOptions.connection("127.0.0.1:0");
        if (!local.clientProperties().getOrDefault("security.protocol", "PLAINTEXT").equalsIgnoreCase("PLAINTEXT")) {
            throw new ParameterException(spec.commandLine(), "--kafka-config " + kafkaClientOptions.kafkaConfig
                    + " sets security.protocol " + local.clientProperties().get("security.protocol") + ", but the broker of"
                    + " `up` is plaintext on loopback: use the file with `dispatcher scheduler` and `dispatcher worker`");
        }
        java.util.Map<Region, KafkaConnection> regional;
        try {
            regional = topologyOptions.regionalBesides(local);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // With --job-store-config, an existing store; without, LocalStack runs PostgreSQL of its own.
        dev.edgedispatcher.store.JobStoreConfig existingStore = jobStoreOptions.jobStoreConfig == null ? null
                : jobStoreOptions.load();
        LocalStack stack = LocalStack.start(data, kafkaPort, bootstrap -> SchedulerConfig
                .defaults(local.withBootstrap(bootstrap), resolverOptions.build()).withPort(port).withHost(host)
                .withLayout(kafkaOptions.layout())
                .withJobStore(existingStore)
                .withAccess(access).withFrontDoor(frontDoorOptions.limits())
                .withKnownAccounts(accounts == null ? java.util.Set.of() : accounts.names())
                .withTopology(new dev.edgedispatcher.backbone.Topology(local.withBootstrap(bootstrap), regional)),
                bootstrap -> noWorkers ? Optional.empty() : Optional.of(dev.edgedispatcher.worker.WorkerConfig.from(
                        workerOptions.config(local.withBootstrap(bootstrap), EnumSet.allOf(Region.class), accounts,
                                workerOptions.allowed(loopbackAllowance), -1))
                        .topology(new dev.edgedispatcher.backbone.Topology(local.withBootstrap(bootstrap), regional)).build()),
                jobStoreOptions::tune);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("edge-dispatcher: stopping...");
            out.flush();
            stack.close();
            try {
                Files.deleteIfExists(data.resolve(BOOTSTRAP_FILE));
            } catch (java.io.IOException e) {
                // best effort: a stale file only points `scale` at a broker that is gone
            }
            out.println("edge-dispatcher: stopped; data kept in " + data.toAbsolutePath());
            out.flush();
            stopped.countDown();
        }, "dispatcher-shutdown"));
        Files.writeString(data.resolve(BOOTSTRAP_FILE), stack.bootstrapServers());
        if (!noWorkers) {
            // `scale` starts more members of a region's pool: they must be configured like these.
            new WorkerPoolConfig(workerOptions.asWorkerArgs(loopbackAllowance), workerOptions.defaultToken).write(data);
        }
        out.println("http: http://" + host + ":" + stack.httpPort());
        out.println("health: http://" + host + ":" + stack.httpPort() + "/health/live, /health/ready (broker, scheduler, workers)");
        out.println("status page: http://" + host + ":" + stack.httpPort() + "/");
        if (workerOptions.accountsFile != null) {
            out.println("accounts: " + workerOptions.accountsFile.toAbsolutePath());
        }
        out.println(access.enforced() ? ApiAccessOptions.describe(access)
                : "api keys: none: /v1 is open, to this machine only (listening on loopback " + host + ")");
        out.println("kafka bootstrap: " + stack.bootstrapServers());
        out.println("job store: " + stack.jobStoreUrl());
        out.println("workers: " + (noWorkers ? "none (--no-workers): run `dispatcher worker --bootstrap "
                + stack.bootstrapServers() + (kafkaClientOptions.kafkaConfig == null ? ""
                        : " --kafka-config " + kafkaClientOptions.kafkaConfig.toAbsolutePath())
                + (topologyOptions.topology == null ? "" : " --topology " + topologyOptions.topology.toAbsolutePath())
                + " --region R`" : "one per region (" + Region.allWireNames() + ")"));
        regional.forEach((region, kafka) -> out.println("region " + region.wireName() + " on its own cluster: "
                + kafka.bootstrapServers()));
        if (!noWorkers) {
            out.println(loopbackAllowance.isEmpty()
                    ? "destinations: workers may not call loopback (`up` listens on " + host + ", beyond loopback);"
                            + " allowed: " + workerOptions.allowed(loopbackAllowance)
                    : "local mode: workers may call loopback destinations " + workerOptions.allowed(loopbackAllowance)
                            + " (the destination guard refuses them in production unless --allow-destination covers them)");
        }
        out.println("ready: POST http://" + host + ":" + stack.httpPort() + "/v1/jobs, Ctrl-C to stop");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Where `up` leaves its Kafka bootstrap for local commands such as `scale`. */
    static final String BOOTSTRAP_FILE = "kafka-bootstrap";

    static Optional<String> readBootstrap(Path dataDir) throws java.io.IOException {
        Path file = dataDir.resolve(BOOTSTRAP_FILE);
        return Files.exists(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
    }

    static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("edge-dispatcher");
    }
}
