package dev.edgedispatcher.store;

/** The job store could not be asked (down, unreachable, out of connections): the API answers 503 store_unavailable. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
