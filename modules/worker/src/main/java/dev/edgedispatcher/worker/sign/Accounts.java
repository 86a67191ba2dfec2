package dev.edgedispatcher.worker.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts and their secrets (docs/api.md, "Command line"; docs/operations.md, "Accounts and API
 * keys"): {@code --accounts FILE}, {@code {"<account>": {"auth_token" | "auth_tokens": [current,
 * previous...], "webhook_secret" | "webhook_secrets": [...]}}}; other fields, such as the
 * scheduler's {@code api_keys}, are not the worker's and are ignored). Jobs without an account use
 * {@code default}.
 */
public final class Accounts {

    public static final String DEFAULT = "default";

    private final Map<String, Account> accounts;

    private Accounts(Map<String, Account> accounts) {
        this.accounts = Map.copyOf(accounts);
    }

    /** Only the default account, with this auth token. */
    public static Accounts withDefault(String authToken) {
        return new Accounts(Map.of(DEFAULT, Account.withToken(authToken)));
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
            String where = file + ": account '" + entry.getKey() + "'";
            if (!entry.getValue().isObject()) {
                throw new IOException(where + " must be an object with auth_token or auth_tokens");
            }
            List<String> tokens = secrets(entry.getValue(), "auth_token", "auth_tokens", where);
            if (tokens.isEmpty()) {
                throw new IOException(where + " has no auth_token (or auth_tokens: [current, previous...])");
            }
            List<String> webhookSecrets = secrets(entry.getValue(), "webhook_secret", "webhook_secrets", where);
            for (String secret : webhookSecrets) {
                if (!secret.startsWith("whsec_")) {
                    throw new IOException(where + ": webhook secrets must start with whsec_");
                }
            }
            accounts.put(entry.getKey(), new Account(tokens, webhookSecrets));
        }
        accounts.putIfAbsent(DEFAULT, Account.withToken(defaultToken));
        return new Accounts(accounts);
    }

    /**
     * The singular field ({@code auth_token}) and the list ({@code auth_tokens}, current first), both
     * accepted; given together, the singular one comes first. Each must be a non-empty string.
     */
    private static List<String> secrets(JsonNode account, String singular, String plural, String where) throws IOException {
        List<String> values = new ArrayList<>();
        JsonNode one = account.get(singular);
        if (one != null) {
            if (!one.isTextual() || one.asText().isEmpty()) {
                throw new IOException(where + ": " + singular + " must be a non-empty string");
            }
            values.add(one.asText());
        }
        JsonNode many = account.get(plural);
        if (many != null) {
            if (!many.isArray()) {
                throw new IOException(where + ": " + plural + " must be a list of strings, current first");
            }
            for (JsonNode value : many) {
                if (!value.isTextual() || value.asText().isEmpty()) {
                    throw new IOException(where + ": " + plural + " must hold non-empty strings only");
                }
                if (!values.contains(value.asText())) {
                    values.add(value.asText());
                }
            }
        }
        return values;
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
