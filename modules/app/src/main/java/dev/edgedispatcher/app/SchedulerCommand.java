package dev.edgedispatcher.app;

import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.scheduler.SchedulerService;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dispatcher scheduler}: the scheduler alone, against any Kafka cluster. */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = {"Runs the scheduler (HTTP API + Kafka intake) against an existing Kafka cluster.",
                "It also serves the status page at / on its HTTP port."})
final class SchedulerCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (home; required unless --topology names home).")
    String bootstrap;

    @Mixin
    TopologyOptions topologyOptions;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "HTTP listen address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--accounts", paramLabel = "FILE",
            description = "The workers' accounts file: jobs naming another account are refused with 400.")
    java.nio.file.Path accountsFile;

    @Mixin
    ResolverOptions resolverOptions;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    KafkaClientOptions kafkaClientOptions;

    @Mixin
    JobStoreOptions jobStoreOptions;

    @Mixin
    ApiAccessOptions apiAccessOptions;

    @Mixin
    FrontDoorOptions frontDoorOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (jobStoreOptions.jobStoreConfig == null) {
            spec.commandLine().getErr().println("--job-store-config FILE is required: the scheduler keeps job history in"
                    + " PostgreSQL (a file with url, user, password; `dispatcher up` writes one to <data-dir>/"
                    + LocalStack.JOB_STORE_FILE + ")");
            spec.commandLine().getErr().flush();
            return ExitCode.INVALID_INPUT;
        }
        dev.edgedispatcher.scheduler.auth.ApiAccess access = apiAccessOptions.access(accountsFile);
        if (!access.enforced() && !ApiAccessOptions.isLoopback(host)) {
            spec.commandLine().getErr().println("WARNING: /v1 is open (no API keys) and listens on " + host
                    + ", beyond loopback: anyone who reaches it may submit jobs. Create keys (dispatcher keys create)"
                    + " or pass --require-api-key, unless a gateway in front authenticates.");
            spec.commandLine().getErr().flush();
        }
        dev.edgedispatcher.backbone.Topology topology = topologyOptions.resolve(spec, kafkaClientOptions, bootstrap);
        SchedulerService scheduler = SchedulerService.start(SchedulerConfig.defaults(topology.home(),
                        resolverOptions.build()).withTopology(topology)
                .withPort(port).withHost(host).withLayout(kafkaOptions.layout())
                .withJobStore(jobStoreOptions.load())
                .withAccess(access).withFrontDoor(frontDoorOptions.limits())
                .withKnownAccounts(accountsFile == null ? java.util.Set.of()
                        : dev.edgedispatcher.worker.sign.Accounts.load(accountsFile, "unused").names())
                .withStayingAccounts(accountsFile == null ? java.util.Set.of()
                        : dev.edgedispatcher.scheduler.regions.StayingAccounts.load(accountsFile)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.close();
            stopped.countDown();
        }, "scheduler-shutdown"));
        out.println("http: http://" + host + ":" + scheduler.port());
        out.println("health: http://" + host + ":" + scheduler.port() + "/health/live, /health/ready");
        out.println("status page: http://" + host + ":" + scheduler.port() + "/");
        out.println("job store: " + jobStoreOptions.load().url());
        out.println(ApiAccessOptions.describe(access));
        out.println("kafka bootstrap: " + topology.home().bootstrapServers() + (kafkaClientOptions.kafkaConfig == null ? ""
                : ", client settings: " + kafkaClientOptions.kafkaConfig));
        topology.regional().forEach((region, kafka) -> out.println("region " + region.wireName() + " on its own cluster: "
                + kafka.bootstrapServers()));
        out.flush();
        stopped.await();
        return 0;
    }
}
