package dev.edgedispatcher.app;

import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.scheduler.ApiClient;
import dev.edgedispatcher.scheduler.SchedulerConfig;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What `dispatcher up` runs, started in the test's JVM as {@link LocalStack}: its embedded broker
 * and PostgreSQL server (data in {@code dataDir}), the scheduler on a free port with no GeoIP data
 * (home region n_virginia) and, with workers, one worker per region allowed to deliver to loopback
 * (127.0.0.0/8) receivers.
 */
final class TestStacks {

    private TestStacks() {
    }

    /** The scheduler without workers, as {@code up --no-workers}: jobs stay queued. */
    static LocalStack schedulerOnly(Path dataDir) throws Exception {
        return schedulerOnly(dataDir, UnaryOperator.identity());
    }

    /** As {@link #schedulerOnly(Path)}, the scheduler's config changed by {@code scheduler} (API keys). */
    static LocalStack schedulerOnly(Path dataDir, UnaryOperator<SchedulerConfig> scheduler) throws Exception {
        return LocalStack.start(dataDir, 0, bootstrap -> scheduler.apply(scheduler(bootstrap)), bootstrap -> Optional.empty());
    }

    /** The scheduler and a worker per region, signing with {@code account} as the default account's auth token. */
    static LocalStack withWorkers(Path dataDir, String account) throws Exception {
        return withWorkers(dataDir, Accounts.withDefault(account), UnaryOperator.identity());
    }

    /**
     * As {@link #withWorkers(Path, String)}, the workers signing for {@code accounts}, the scheduler's
     * config changed by {@code scheduler} (API keys).
     */
    static LocalStack withWorkers(Path dataDir, Accounts accounts, UnaryOperator<SchedulerConfig> scheduler) throws Exception {
        return LocalStack.start(dataDir, 0, bootstrap -> scheduler.apply(scheduler(bootstrap)),
                bootstrap -> Optional.of(WorkerConfig.defaults(bootstrap, EnumSet.allOf(Region.class), accounts,
                        List.of(Cidr.parse("127.0.0.0/8")))));
    }

    /** The API of the stack's scheduler. */
    static ApiClient api(LocalStack stack) {
        return ApiClient.local(stack.httpPort());
    }

    private static SchedulerConfig scheduler(String bootstrap) {
        RegionResolver resolver = RegionResolver.builder().noGeoLocator("not needed").homeRegion(Region.N_VIRGINIA).build();
        return SchedulerConfig.defaults(bootstrap, resolver).withPort(0);
    }
}
