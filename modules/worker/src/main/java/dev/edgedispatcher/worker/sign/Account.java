package dev.edgedispatcher.worker.sign;

import java.util.Objects;
import java.util.Optional;

/** The signing secrets of one account: the Plivo auth token and, optionally, a Standard Webhooks secret. */
public record Account(String authToken, Optional<String> webhookSecret) {

    public Account {
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(webhookSecret, "webhookSecret");
    }
}
