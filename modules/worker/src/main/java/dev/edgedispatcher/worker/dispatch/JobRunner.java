package dev.edgedispatcher.worker.dispatch;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.callback.CallbackTarget;
import dev.edgedispatcher.worker.delivery.DeliveryEngine;
import dev.edgedispatcher.worker.delivery.DeliveryOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job's delivery on the calling event loop and always ends with an outcome: an exception
 * thrown by the engine, a failed future, or a delivery that never completes (a bug) all become a
 * {@code failed} outcome saying so, so no job, ordering key or offset is ever held forever.
 */
public final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** Beyond the longest a delivery can legitimately take (both URLs' tt), the watchdog fails it. */
    static final long WATCHDOG_MARGIN_MS = 30_000;
    /** Audio kinds have no tt: their attempts are bounded by ct and rt only. */
    static final long NO_TT_BOUND_MS = 600_000;

    private final Vertx vertx;
    private final DeliveryEngine engine;

    public JobRunner(Vertx vertx, DeliveryEngine engine) {
        this.vertx = vertx;
        this.engine = engine;
    }

    /** {@code targets}: the job's URLs as {@link RecordDecoder} parsed them. */
    public Future<DeliveryOutcome> run(JobRecord job, DecodedRecord.Targets targets) {
        Promise<DeliveryOutcome> outcome = Promise.promise();
        long bound = watchdogMs(targets);
        long watchdog = vertx.setTimer(bound, id -> {
            if (outcome.tryComplete(internalError("delivery did not finish within " + bound + " ms (watchdog)"))) {
                LOG.atError().addKeyValue("job_id", job.id()).addKeyValue("region", job.region())
                        .log("delivery of job {} did not finish: failed by the watchdog", job.id());
            }
        });
        outcome.future().onComplete(done -> vertx.cancelTimer(watchdog));
        try {
            engine.deliver(job, targets.primary(), targets.fallback()).onComplete(delivered -> outcome.tryComplete(delivered.succeeded() ? delivered.result()
                    : internalError(describe(delivered.cause()))));
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("job_id", job.id()).addKeyValue("region", job.region()).setCause(e)
                    .log("delivery of job {} threw", job.id());
            outcome.tryComplete(internalError(describe(e)));
        }
        return outcome.future();
    }

    static long watchdogMs(DecodedRecord.Targets targets) {
        long primary = totalTimeout(targets.primary());
        long fallback = targets.fallback().map(JobRunner::totalTimeout).orElse(0L);
        return primary + fallback + WATCHDOG_MARGIN_MS;
    }

    private static long totalTimeout(CallbackTarget target) {
        return target.policy().totalTimeoutMs().stream().asLongStream().findFirst().orElse(NO_TT_BOUND_MS);
    }

    private static DeliveryOutcome internalError(String detail) {
        return new DeliveryOutcome(false, Optional.empty(), List.of(), "internal error: " + detail);
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }
}
