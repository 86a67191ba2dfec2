package dev.edgedispatcher.worker;

import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Set;

/** A worker in a JVM of its own, so that a test can kill it for real (SIGKILL). Args: bootstrap region. */
public final class WorkerProcessMain {

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        WorkerConfig config = WorkerConfig.defaults(args[0], Set.of(Region.fromWireName(args[1]).orElseThrow()),
                Accounts.withDefault("crash-test-token"), List.of(Cidr.parse("127.0.0.0/8")));
        WorkerService.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        System.out.println("worker started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
