package dev.edgedispatcher.worker.sign;

import java.util.List;

/**
 * The signing secrets of one account: its Plivo auth tokens and Standard Webhooks secrets, current
 * first. Every delivery is signed with each, so that receivers holding the current or a previous
 * secret all accept it while a secret is rotated. See docs/operations.md, "Accounts and API keys".
 */
public record Account(List<String> authTokens, List<String> webhookSecrets) {

    public Account {
        authTokens = List.copyOf(authTokens);
        webhookSecrets = List.copyOf(webhookSecrets);
        if (authTokens.isEmpty()) {
            throw new IllegalArgumentException("an account needs at least one auth token");
        }
    }

    /** One auth token and no Standard Webhooks secret. */
    public static Account withToken(String authToken) {
        return new Account(List.of(authToken), List.of());
    }
}
