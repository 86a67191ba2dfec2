package dev.edgedispatcher.scheduler;

import java.util.concurrent.CompletionException;

/** Failures carried by futures. */
public final class Failures {

    private Failures() {
    }

    /** The failure a future carried: the cause of a {@link CompletionException}, else the failure itself. */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
