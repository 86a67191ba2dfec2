package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.PolicyError;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts refused jobs by field ({@code dispatcher_jobs_rejected}) and gives their 400 document. */
final class RejectionCounter {

    private final MeterRegistry metrics;

    RejectionCounter(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    ObjectNode rejected(PolicyError error) {
        Counter.builder("dispatcher_jobs_rejected").tag("field", error.field().startsWith("params.") ? "params" : error.field())
                .register(metrics).increment();
        return PolicyJson.error(error);
    }
}
