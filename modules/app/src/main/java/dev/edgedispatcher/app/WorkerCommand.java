package dev.edgedispatcher.app;

import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.WorkerService;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dispatcher worker}: a region's edge worker as a process of its own. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs the edge worker of one region (or several) against a Kafka cluster.",
                "Workers of a region form one consumer group: start more processes to scale the region."})
final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (required unless --topology names home).")
    String bootstrap;

    @Option(names = "--region", paramLabel = "R", required = true,
            description = "Region to serve (repeatable): n_california, n_virginia, frankfurt, singapore, mumbai.")
    List<String> regionNames;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of /health and /metrics (default: a free port, printed; -1: none).")
    int metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Listen address of /health and /metrics (default: ${DEFAULT-VALUE}; 0.0.0.0 in a pod).")
    String metricsHost;

    @Mixin
    WorkerOptions workerOptions;

    @Mixin
    KafkaClientOptions kafkaClientOptions;

    @Mixin
    TopologyOptions topologyOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Set<dev.edgedispatcher.callback.Region> regions = EnumSet.noneOf(Region.class);
        for (String name : regionNames) {
            regions.add(Region.fromWireName(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--region " + name + " is not a region: allowed are " + Region.allWireNames())));
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        dev.edgedispatcher.backbone.Topology topology = topologyOptions.resolve(spec, kafkaClientOptions, bootstrap);
        WorkerService workers = WorkerService.start(dev.edgedispatcher.worker.WorkerConfig.from(workerOptions.config(
                topology.home(), regions, workerOptions.accounts(out), workerOptions.allowed(List.of()), metricsPort))
                .topology(topology).build(), metrics, metricsHost);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                workers.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(WorkerCommand.class).warn("workers did not stop cleanly: {}", e.toString());
            }
            stopped.countDown();
        }, "worker-shutdown"));
        out.println("worker: regions " + regions + ", kafka bootstrap: " + topology.home().bootstrapServers()
                + (kafkaClientOptions.kafkaConfig == null ? "" : ", client settings: " + kafkaClientOptions.kafkaConfig));
        for (Region region : regions) {
            if (topology.hasOwnCluster(region)) {
                out.println("region " + region.wireName() + " on its own cluster: " + topology.of(region).bootstrapServers());
            }
        }
        if (workers.metricsPort() >= 0) {
            out.println("metrics: http://" + metricsHost + ":" + workers.metricsPort() + "/metrics");
        }
        out.flush();
        stopped.await();
        return 0;
    }
}
