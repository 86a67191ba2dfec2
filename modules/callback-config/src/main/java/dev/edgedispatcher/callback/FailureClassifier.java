package dev.edgedispatcher.callback;

import java.util.Optional;

/**
 * Classifies how an attempt ended into a {@link FailureClass}, or none for a success. See
 * docs/callbacks.md, "Delivery semantics".
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    /**
     * @param phase how far the attempt got
     * @param status the HTTP status when a status line was received, otherwise ignored
     * @return empty for a success (2xx with the whole body read), else the failure class
     */
    public static Optional<FailureClass> classify(AttemptPhase phase, int status) {
        return switch (phase) {
            case CONNECTING -> Optional.of(FailureClass.CT);
            case AWAITING_STATUS -> Optional.of(FailureClass.RT);
            case READING_BODY -> Optional.of(FailureClass.PARTIAL);
            case COMPLETE -> classifyStatus(status);
        };
    }

    private static Optional<FailureClass> classifyStatus(int status) {
        if (status >= 200 && status <= 299) {
            return Optional.empty();
        }
        if (status >= 300 && status <= 399) {
            return Optional.of(FailureClass.HTTP_3XX);
        }
        if (status >= 400 && status <= 499) {
            return Optional.of(FailureClass.HTTP_4XX);
        }
        // 5xx, and anything no server should send as a final status (1xx, 600+): a server fault.
        return Optional.of(FailureClass.HTTP_5XX);
    }
}
