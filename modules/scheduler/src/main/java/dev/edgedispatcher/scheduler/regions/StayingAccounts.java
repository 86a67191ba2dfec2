package dev.edgedispatcher.scheduler.regions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The accounts whose jobs never move to another region ({@code "failover": false} under the account
 * in the accounts file: data residency, docs/regions.md). Other fields are not this class's business.
 */
public final class StayingAccounts {

    private StayingAccounts() {
    }

    public static Set<String> load(Path accountsFile) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(accountsFile));
        Set<String> staying = new TreeSet<>();
        if (root == null || !root.isObject()) {
            return staying;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> account = it.next();
            JsonNode failover = account.getValue().get("failover");
            if (failover == null || failover.isNull()) {
                continue;
            }
            if (!failover.isBoolean()) {
                throw new IOException(accountsFile + ": account '" + account.getKey() + "': failover must be true or false,"
                        + " not " + failover);
            }
            if (!failover.booleanValue()) {
                staying.add(account.getKey());
            }
        }
        return Set.copyOf(staying);
    }
}
