package dev.edgedispatcher.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What claiming a client's id gave. {@link Kind#CLAIMED} and {@link Kind#RECOVERED}: this replica
 * publishes the job now. {@link Kind#REPEAT}: published before, {@code document} is its accept
 * document and {@code account} its owner. {@link Kind#IN_DOUBT}: another replica claimed it and has
 * not confirmed the publish yet; ask again later (never publish).
 */
public record ClaimOutcome(Kind kind, String account, ObjectNode document) {

    public enum Kind { CLAIMED, REPEAT, IN_DOUBT, RECOVERED }

    public boolean mayPublish() {
        return kind == Kind.CLAIMED || kind == Kind.RECOVERED;
    }
}
