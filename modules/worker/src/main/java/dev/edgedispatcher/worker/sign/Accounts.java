package dev.edgedispatcher.worker.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts and their secrets (SPEC §5: {@code --accounts FILE}, {@code {"<account>": {"auth_token",
 * "webhook_secret"}}}). Jobs without an account use {@code default}.
 */
public final class Accounts {

    public static final String DEFAULT = "default";

    private final Map<String, Account> accounts;

    private Accounts(Map<String, Account> accounts) {
        this.accounts = Map.copyOf(accounts);
    }

    /** Only the default account, with this auth token. */
    public static Accounts withDefault(String authToken) {
        return new Accounts(Map.of(DEFAULT, new Account(authToken, Optional.empty())));
    }

    /**
     * Reads the file; {@code default} is added with {@code defaultToken} when the file does not define
     * it. An entry without {@code auth_token}, or a secret not starting with {@code whsec_}, is an
     * error naming the account.
     */
    public static Accounts load(Path file, String defaultToken) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": accounts must be a JSON object {\"<account>\": {\"auth_token\": ..}}");
        }
        Map<String, Account> accounts = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode token = entry.getValue().get("auth_token");
            if (token == null || !token.isTextual() || token.asText().isEmpty()) {
                throw new IOException(file + ": account '" + entry.getKey() + "' has no auth_token");
            }
            JsonNode secret = entry.getValue().get("webhook_secret");
            if (secret != null && (!secret.isTextual() || !secret.asText().startsWith("whsec_"))) {
                throw new IOException(file + ": account '" + entry.getKey() + "': webhook_secret must start with whsec_");
            }
            accounts.put(entry.getKey(), new Account(token.asText(),
                    secret == null ? Optional.empty() : Optional.of(secret.asText())));
        }
        accounts.putIfAbsent(DEFAULT, new Account(defaultToken, Optional.empty()));
        return new Accounts(accounts);
    }

    /** The account names, for validating jobs at the front door. */
    public Set<String> names() {
        return accounts.keySet();
    }

    public Optional<Account> find(String name) {
        return Optional.ofNullable(accounts.get(name == null ? DEFAULT : name));
    }

    /** A random auth token for the default account when none is configured (printed at start-up). */
    public static String generateToken() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder token = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }
}
