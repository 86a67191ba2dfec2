package dev.edgedispatcher.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/callbacks.md, "Sharing a worker": caps per host and per account, and turns between accounts. */
class DestinationAdmissionTest {

    /** A job: its account and its name. */
    private record Job(String account, String name) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final EventLoopLag lag = EventLoopLag.watch(vertx, List.of(vertx.getOrCreateContext()));
    private final List<String> started = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anAccountAtItsShareWaitsWhileAnotherAccountsJobsStart() {
        DeliverySlots slots = new DeliverySlots(4, 2, lag);
        DestinationAdmission<Job> admission = new DestinationAdmission<>(100, slots, Job::account);
        for (int i = 0; i < 5; i++) {
            admission.offer("a.example", new Job("a", "a" + i), job -> started.add(job.name()));
        }
        admission.offer("b.example", new Job("b", "b0"), job -> started.add(job.name()));
        // a holds its share (2 of 4 slots); b starts although a's jobs came first.
        assertThat(started).containsExactly("a0", "a1", "b0");
        assertThat(slots.usedBy("a")).isEqualTo(2);
        admission.finished("a.example", new Job("a", "a0"), job -> started.add(job.name()));
        assertThat(started).containsExactly("a0", "a1", "b0", "a2");
        assertThat(admission.waiting()).isEqualTo(2);
    }

    @Test
    void slotsFreedGoToTheWaitingAccountsInTurn() {
        DeliverySlots slots = new DeliverySlots(2, 2, lag);
        DestinationAdmission<Job> admission = new DestinationAdmission<>(100, slots, Job::account);
        admission.offer("x.example", new Job("a", "a0"), job -> started.add(job.name()));
        admission.offer("x.example", new Job("a", "a1"), job -> started.add(job.name()));
        for (int i = 2; i < 5; i++) {
            admission.offer("x.example", new Job("a", "a" + i), job -> started.add(job.name()));
        }
        for (int i = 0; i < 3; i++) {
            admission.offer("y.example", new Job("b", "b" + i), job -> started.add(job.name()));
        }
        for (int i = 0; i < 4; i++) {
            Job done = started.get(i).startsWith("a") ? new Job("a", started.get(i)) : new Job("b", started.get(i));
            admission.finished(done.account().equals("a") ? "x.example" : "y.example", done, job -> started.add(job.name()));
        }
        // a's three waiting jobs came first, b's later: they alternate all the same.
        assertThat(started).containsExactly("a0", "a1", "a2", "b0", "a3", "b1");
    }

    @Test
    void aHostIsOneDestinationWhateverThePort() {
        DeliverySlots slots = new DeliverySlots(100, 100, lag);
        DestinationAdmission<Job> admission = new DestinationAdmission<>(2, slots, Job::account);
        // RecordDecoder names the host only; three jobs of one host: two run, one waits for the host.
        for (int i = 0; i < 3; i++) {
            admission.offer("receiver.example", new Job("a", "p" + i), job -> started.add(job.name()));
        }
        assertThat(started).containsExactly("p0", "p1");
        assertThat(admission.waiting()).isEqualTo(1);
    }

    @Test
    void aDroppedJobsPlaceAtItsHostGoesToTheNextJobWaitingForIt() {
        DeliverySlots slots = new DeliverySlots(2, 1, lag);
        DestinationAdmission<Job> admission = new DestinationAdmission<>(1, slots, Job::account);
        admission.offer("a.example", new Job("a", "a0"), job -> started.add(job.name()));
        // a1 has the host's one place but waits for a slot (a's share is 1); b0 waits for the host.
        admission.offer("b.example", new Job("a", "a1"), job -> started.add(job.name()));
        admission.offer("b.example", new Job("b", "b0"), job -> started.add(job.name()));
        assertThat(started).containsExactly("a0");
        List<Job> dropped = admission.dropIf(job -> job.name().equals("a1"), job -> started.add(job.name()));
        // Parked or revoked, a1 leaves; b0 takes its place at the host and starts at once.
        assertThat(dropped).containsExactly(new Job("a", "a1"));
        assertThat(started).containsExactly("a0", "b0");
        assertThat(admission.waiting()).isZero();
    }
}
