package dev.edgedispatcher.backbone.loop;

/**
 * What a {@link KafkaLoopRunner} runs: a consumer loop's steps. The runner owns the thread, the
 * retries and the stop; the loop owns its consumer and what a turn does.
 */
public interface KafkaLoop {

    /** Before the first turn, on the loop's thread (subscribe or assign). */
    void open();

    /** One turn: poll, hand the records on, commit. Throws to have the turn retried after the backoff. */
    void turn() throws InterruptedException;

    /**
     * After a turn failed with {@code error} (not access denied), before the pause: put things back
     * for the next turn (seek back to the committed offsets). Returns the problem to report as
     * Kafka's on health, or null when it is not Kafka's (the loop reported it itself).
     */
    default String failed(RuntimeException error) {
        return Backoff.describe(error);
    }

    /** What the loop does, for logs and the access-denied message ("reading webhooks.jobs as group ..."). */
    String doing();

    /** Makes a blocked poll return (the consumer's {@code wakeup()}); called from another thread by close. */
    void wakeup();

    /** After the last turn, on the loop's thread: a final commit, closing the consumer. */
    void close();
}
