package dev.edgedispatcher.app;

/**
 * The exit codes of every {@code dispatcher} command, one meaning each (docs/api.md, "Exit codes").
 * {@code dispatcher --help} lists them (the {@code exitCodeList} of {@link Dispatcher}'s command).
 */
final class ExitCode {

    /** Done: started and stopped cleanly, accepted, delivered (with {@code --wait}). */
    static final int OK = 0;
    /**
     * The command failed at run time (a port in use, no store, Kafka unreachable at start), or what
     * it waited for failed: a job's final outcome was {@code failed}, a redrive's jobs were not all
     * accepted by Kafka.
     */
    static final int FAILED = 1;
    /** Bad input: a usage error, an invalid job, filter or configuration value (picocli uses 2 too). */
    static final int INVALID_INPUT = 2;
    /** Kafka refused this process for good: authentication failed or an ACL is missing. */
    static final int KAFKA_ACCESS_DENIED = 3;
    /** The scheduler did not answer, or answered 503 (Kafka or the job store unavailable): try again. */
    static final int UNAVAILABLE = 4;
    /** The scheduler refused the request: no or a wrong API key, another account's, over the rate limit. */
    static final int REFUSED = 5;
    /** {@code --wait} ran out before the job was final. */
    static final int TIMED_OUT = 6;

    private ExitCode() {
    }

    /** The exit code for a scheduler answer that is not the success the command expected. */
    static int forStatus(int httpStatus) {
        if (httpStatus == 400 || httpStatus == 413) {
            return INVALID_INPUT;
        }
        if (httpStatus >= 500) {
            return UNAVAILABLE;
        }
        return REFUSED;
    }
}
