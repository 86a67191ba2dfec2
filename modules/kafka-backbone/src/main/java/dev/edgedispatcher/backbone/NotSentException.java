package dev.edgedispatcher.backbone;

/**
 * A send that provably never reached Kafka: the record was refused before it was handed to the
 * Kafka client (the hand-over wait ran out, or the client threw at {@code send()}). Any other
 * failure of a send leaves it open whether the broker wrote the record.
 */
public final class NotSentException extends RuntimeException {

    public NotSentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a failed send may nevertheless have been written: a retriable error reported after the
     * hand-over (a delivery timeout, a lost connection, an append without enough replicas) may
     * follow a write the broker made. A refusal before the hand-over, or a non-retriable error
     * (record too large, access denied, unknown topic), was not written.
     */
    public static boolean mayHaveBeenWritten(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSentException) {
                return false;
            }
            if (cause instanceof org.apache.kafka.common.errors.RetriableException) {
                return true;
            }
        }
        return false;
    }
}
