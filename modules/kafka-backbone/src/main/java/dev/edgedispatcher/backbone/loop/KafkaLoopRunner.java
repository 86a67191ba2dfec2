package dev.edgedispatcher.backbone.loop;

import dev.edgedispatcher.backbone.KafkaAccessDenied;
import dev.edgedispatcher.backbone.health.LoopHealth;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The one way a Kafka consumer loop runs here (the scheduler's intake and job store sink, the
 * workers' region loops): a daemon thread turning until {@link #close()}. A failing turn is logged
 * at most once a second, reported on the loop's {@link LoopHealth} and retried after the
 * {@link Backoff}; an authentication or authorisation failure stops the loop (no retry fixes
 * credentials or ACLs) and is handed to {@code onAccessDenied} (the process exits); any other
 * exception that escapes ends the loop with its reason on health, never silently.
 */
public final class KafkaLoopRunner implements AutoCloseable {

    private final String name;
    private final Logger log;
    private final LoopHealth health;
    private final Backoff backoff;
    private final Consumer<KafkaAccessDenied> onAccessDenied;
    private final KafkaLoop loop;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public KafkaLoopRunner(String name, Logger log, LoopHealth health, Backoff backoff,
            Consumer<KafkaAccessDenied> onAccessDenied, KafkaLoop loop) {
        this.name = name;
        this.log = log;
        this.health = health;
        this.backoff = backoff;
        this.onAccessDenied = onAccessDenied;
        this.loop = loop;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public KafkaLoopRunner start() {
        thread.start();
        return this;
    }

    public LoopHealth health() {
        return health;
    }

    /** Whether {@link #close()} was called (a loop's turn may look, to finish early). */
    public boolean running() {
        return running;
    }

    private void run() {
        String why = "closed";
        try {
            loop.open();
            while (running) {
                try {
                    loop.turn();
                    health.beat();
                    backoff.succeeded();
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                } catch (RuntimeException e) {
                    var denied = KafkaAccessDenied.of(e, loop.doing());
                    if (denied.isPresent()) {
                        why = denied.get().getMessage();
                        health.stoppedUnlessAlready(why);
                        onAccessDenied.accept(denied.get());
                        return;
                    }
                    String problem = loop.failed(e);
                    if (problem != null) {
                        health.kafkaFailing(problem);
                    } else {
                        health.beat();
                    }
                    backoff.failed(loop.doing(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = running ? "interrupted" : "closed";
        } catch (RuntimeException e) {
            why = e.toString();
            log.error("{} stopped", name, e);
        } finally {
            health.stoppedUnlessAlready(why);
            try {
                loop.close();
            } catch (RuntimeException e) {
                log.warn("{}: closing failed: {}", name, e.toString());
            }
            stopped.countDown();
        }
    }

    /** Stops the loop: wakes a blocked poll, waits up to {@code timeout} for its last turn and close. */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        loop.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(5));
    }
}
