package dev.edgedispatcher.scheduler.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of the accounts file ({@code "api_keys": [...]} under an account; see
 * docs/operations.md, "Accounts and API keys"). A key reads {@code ed_<id>_<secret>}: {@code id}
 * is 16 hex digits (public, for an O(1) lookup), the
 * secret 43 base64url characters (256 random bits). The file keeps only
 * {@code {"id", "sha256", "created_at"}}: SHA-256 of the whole key, enough for a key of 256 random
 * bits (a slow password hash protects guessable secrets, which these are not). Hashes are compared
 * with {@link MessageDigest#isEqual}, in constant time.
 */
public final class ApiKeys {

    public static final String PREFIX = "ed_";
    private static final ObjectMapper JSON = new ObjectMapper()
            // Numbers of other fields come back as written: 2.50 stays 2.50.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_SUCH_KEY = sha256("no such key");

    /** A stored key: its public id, its account and the SHA-256 of the whole key. */
    private record Stored(String id, String account, byte[] sha256) {
    }

    /** A key just created: {@code key} is shown once and stored nowhere. */
    public record Created(String account, String id, String key) {
    }

    private final Map<String, Stored> byId;

    private ApiKeys(Map<String, Stored> byId) {
        this.byId = Map.copyOf(byId);
    }

    /** No keys. */
    public static ApiKeys none() {
        return new ApiKeys(Map.of());
    }

    /** Reads the {@code api_keys} of every account of the file; other fields are not this class's business. */
    public static ApiKeys load(Path accountsFile) throws IOException {
        JsonNode root = JSON.readTree(accountsFile.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(accountsFile + ": accounts must be a JSON object {\"<account>\": {...}}");
        }
        Map<String, Stored> byId = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> account = it.next();
            JsonNode keys = account.getValue().get("api_keys");
            if (keys == null || keys.isNull()) {
                continue;
            }
            if (!keys.isArray()) {
                throw new IOException(accountsFile + ": account '" + account.getKey() + "': api_keys must be an array");
            }
            for (JsonNode key : keys) {
                String id = key.path("id").asText("");
                String hash = key.path("sha256").asText("");
                if (!id.matches("[0-9a-f]{16}") || !hash.matches("[0-9a-f]{64}")) {
                    throw new IOException(accountsFile + ": account '" + account.getKey() + "': each api_keys entry needs"
                            + " \"id\" (16 hex digits) and \"sha256\" (64 hex digits), as `dispatcher keys create` writes");
                }
                Stored previous = byId.put(id, new Stored(id, account.getKey(), HexFormat.of().parseHex(hash)));
                if (previous != null) {
                    throw new IOException(accountsFile + ": API key id " + id + " appears twice (accounts '"
                            + previous.account() + "' and '" + account.getKey() + "')");
                }
            }
        }
        return new ApiKeys(byId);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    public int size() {
        return byId.size();
    }

    /** The account of {@code presented}, when it is a key of this file. */
    public Optional<Key> authenticate(String presented) {
        String id = idOf(presented);
        Stored stored = id == null ? null : byId.get(id);
        byte[] hash = sha256(presented == null ? "" : presented);
        // Compared even for an unknown id, so that the time taken says nothing about the secret.
        boolean equal = MessageDigest.isEqual(stored == null ? NO_SUCH_KEY : stored.sha256(), hash);
        return stored != null && equal ? Optional.of(new Key(stored.id(), stored.account())) : Optional.empty();
    }

    /** An authenticated key: its public id (rate limits count per id) and its account. */
    public record Key(String id, String account) {
    }

    private static String idOf(String key) {
        if (key == null || !key.startsWith(PREFIX) || key.length() < PREFIX.length() + 18) {
            return null;
        }
        String id = key.substring(PREFIX.length(), PREFIX.length() + 16);
        return key.charAt(PREFIX.length() + 16) == '_' ? id : null;
    }

    /**
     * Adds a new key to {@code account} in the accounts file and returns it (the only time the key
     * exists outside its holder). Every other field of the file is kept; the file is replaced
     * atomically and keeps its permissions. The account must be in the file already: its signing
     * secrets live there too.
     */
    public static Created create(Path accountsFile, String account) throws IOException {
        if (!Files.exists(accountsFile)) {
            throw new IOException(accountsFile + " does not exist: create it with the account and its auth_token first,"
                    + " e.g. {\"" + account + "\": {\"auth_token\": \"...\"}}");
        }
        JsonNode root = JSON.readTree(accountsFile.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(accountsFile + ": accounts must be a JSON object {\"<account>\": {...}}");
        }
        JsonNode entry = root.get(account);
        if (entry == null || !entry.isObject()) {
            throw new IOException("account '" + account + "' is not in " + accountsFile + ": add it with its auth_token"
                    + " first (workers sign its deliveries with it)");
        }
        ApiKeys existing = load(accountsFile);
        String id;
        do {
            id = HexFormat.of().formatHex(randomBytes(8));
        } while (existing.byId.containsKey(id));
        String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
        JsonNode keys = entry.get("api_keys");
        ArrayNode list = keys != null && keys.isArray() ? (ArrayNode) keys : ((ObjectNode) entry).putArray("api_keys");
        list.addObject().put("id", id).put("sha256", HexFormat.of().formatHex(sha256(key)))
                .put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Path temp = Files.createTempFile(accountsFile.toAbsolutePath().getParent(), ".accounts", ".tmp");
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(accountsFile, PosixFileAttributeView.class);
            if (view != null) {
                Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
            }
            Files.write(temp, JSON.writeValueAsBytes(root));
            Files.move(temp, accountsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new Created(account, id, key);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
