package dev.edgedispatcher.scheduler.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * Where a single submission's time goes inside the scheduler, from the moment its request line and
 * headers are routed to the moment its answer is written: {@code read} (the body arriving), then
 * {@code accept} (validation, the claim and Kafka's acknowledgement), then {@code reply} (back on
 * the event loop and written). A client that waits longer than the three together waited before the
 * scheduler saw its request (connection, accept queue, a busy event loop) or after the answer left.
 * Histograms, so that percentiles can be compared with a client's (docs/metrics.md).
 */
final class SubmitTiming implements Handler<RoutingContext> {

    private static final String KEY = SubmitTiming.class.getName();

    private final Timer read;
    private final Timer accept;
    private final Timer reply;

    private static final class Marks {
        final long routed = System.nanoTime();
        long bodyRead;
        volatile long accepted;
    }

    SubmitTiming(MeterRegistry metrics) {
        this.read = stage(metrics, "read");
        this.accept = stage(metrics, "accept");
        this.reply = stage(metrics, "reply");
    }

    private static Timer stage(MeterRegistry metrics, String stage) {
        return Timer.builder("dispatcher_submit_seconds").tag("stage", stage)
                .description("a single submission inside the scheduler, by stage: read (routed to body read), accept"
                        + " (body read to claimed and acknowledged by Kafka), reply (to the answer written)")
                .publishPercentileHistogram().register(metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Marks marks = new Marks();
        ctx.put(KEY, marks);
        ctx.addEndHandler(ended -> {
            long now = System.nanoTime();
            if (marks.bodyRead == 0 || marks.accepted == 0) {
                return; // refused before it was accepted (400, 403, 413, ...): not a submission's path
            }
            read.record(marks.bodyRead - marks.routed, TimeUnit.NANOSECONDS);
            accept.record(marks.accepted - marks.bodyRead, TimeUnit.NANOSECONDS);
            reply.record(now - marks.accepted, TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    /** The body is read and the job goes to validation (on the event loop). */
    static void bodyRead(RoutingContext ctx) {
        Marks marks = ctx.get(KEY);
        if (marks != null) {
            marks.bodyRead = System.nanoTime();
        }
    }

    /** The acceptor answered (on whichever thread completed it). */
    static void accepted(RoutingContext ctx) {
        Marks marks = ctx.get(KEY);
        if (marks != null) {
            marks.accepted = System.nanoTime();
        }
    }
}
