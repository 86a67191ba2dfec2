package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.job.JobValidator;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts refused jobs by field ({@code dispatcher_jobs_rejected}) and gives their 400 document. The
 * label takes fixed values only (a job field, a fragment key, {@code params}, {@code fragment} or
 * {@code unknown}): a field name as a client sent it would let one client grow every scraper's
 * series without bound.
 */
final class RejectionCounter {

    private final MeterRegistry metrics;

    RejectionCounter(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    ObjectNode rejected(PolicyError error) {
        Counter.builder("dispatcher_jobs_rejected").description("jobs refused as invalid, by the field at fault")
                .tag("field", JobValidator.fieldLabel(error.field())).register(metrics).increment();
        return PolicyJson.error(error);
    }
}
