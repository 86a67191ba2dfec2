package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.JobAcceptor;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import java.util.Optional;

/**
 * Which account a submitted job belongs to when the caller has an API key. See docs/operations.md,
 * "Accounts and API keys".
 */
final class AccountClaims {

    private AccountClaims() {
    }

    /**
     * With a key: a job naming no account gets the key's (the published job carries it); one naming
     * another account is refused. Returns the refusal, or empty when the job may go on.
     */
    static Optional<ObjectNode> claimAccount(JsonNode job, Optional<ApiKeys.Key> key) {
        if (key.isEmpty() || !job.isObject()) {
            return Optional.empty();
        }
        JsonNode account = job.get("account");
        if (account == null || account.isNull()) {
            ((ObjectNode) job).put("account", key.get().account());
            return Optional.empty();
        }
        if (account.isTextual() && !account.asText().equals(key.get().account())) {
            return Optional.of(error("forbidden", "account", "this API key belongs to account '" + key.get().account()
                    + "'; it cannot submit jobs for account '" + account.asText() + "'"));
        }
        return Optional.empty(); // its own account, or not a string: the validator answers that
    }

    /**
     * A repeat of an id another account's job holds: refused without saying anything of that job
     * (checked on the acceptor's answer, so two accounts racing for one id are covered too).
     */
    static Optional<ObjectNode> idTaken(JobAcceptor.Accepted accepted, Optional<ApiKeys.Key> key) {
        if (key.isEmpty() || !accepted.duplicate() || accepted.owner().isEmpty()
                || accepted.owner().get().equals(key.get().account())) {
            return Optional.empty();
        }
        return Optional.of(error("id_taken", "id", "the id " + accepted.document().path("id").asText()
                + " is taken: choose another"));
    }
}
