package dev.edgedispatcher.scheduler.store;

/**
 * A replica (another one, or this one after Kafka did not answer its write in time) claimed this id
 * and has not confirmed that Kafka took its record: the job may have been written. Answered 503 {@code in_doubt} with the id; a retry with the same id later gets
 * the accept (a repeat) or, once the claim is provably lost, publishes it. Never a second delivery.
 */
public final class InDoubtException extends RuntimeException {

    private final String id;

    public InDoubtException(String id) {
        this(id, "job " + id + " is being accepted by another scheduler replica, which has not confirmed it yet: retry"
                + " with the same id in a few seconds (it is never delivered twice)");
    }

    /** In doubt for another reason (Kafka did not confirm this replica's own write), said in {@code message}. */
    public InDoubtException(String id, String message) {
        super(message);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
