package dev.edgedispatcher.callback;

/** How far one attempt got before it ended; decides its failure class together with the status. */
public enum AttemptPhase {
    /** Resolving, connecting or in the TLS handshake: any failure here is {@code ct}. */
    CONNECTING,
    /** Connected and sending, or waiting for the status line: a failure here is {@code rt}. */
    AWAITING_STATUS,
    /** Status line received, body not complete: a failure here is {@code partial}. */
    READING_BODY,
    /** Status line and whole body received: the status decides. */
    COMPLETE
}
