package dev.edgedispatcher.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    private static final String ACCOUNTS = """
            {"acme": {"auth_token": "MAxxxxxxxxxxxxxxxxx1", "auth_tokens": ["MAxxxxxxxxxxxxxxxxx1", "old"],
                      "webhook_secret": "whsec_c2VjcmV0", "colour": {"nested": [1, 2.50, 12345678901234567890]}},
             "globex": {"auth_token": "MAyyyyyyyyyyyyyyyyy2"}}""";

    @TempDir
    Path dir;

    @Test
    void aCreatedKeyAuthenticatesAsItsAccountAndOnlyItsHashIsStored() throws Exception {
        Path file = write(ACCOUNTS);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ApiKeys.Created created = ApiKeys.create(file, "acme");

        assertThat(created.key()).matches("ed_[0-9a-f]{16}_[A-Za-z0-9_-]{43}").startsWith("ed_" + created.id() + "_");
        String text = Files.readString(file);
        assertThat(text).doesNotContain(created.key()).doesNotContain(created.key().substring(20));
        JsonNode stored = new ObjectMapper().readTree(text).at("/acme/api_keys/0");
        assertThat(stored.get("id").asText()).isEqualTo(created.id());
        assertThat(stored.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(created.key().getBytes())));
        assertThat(stored.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        ApiKeys keys = ApiKeys.load(file);
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.authenticate(created.key())).contains(new ApiKeys.Key(created.id(), "acme"));
    }

    @Test
    void everyOtherFieldOfTheFileIsKept() throws Exception {
        Path file = write(ACCOUNTS);
        ApiKeys.create(file, "acme");
        ApiKeys.create(file, "globex");
        ObjectMapper json = new ObjectMapper();
        JsonNode before = json.readTree(ACCOUNTS);
        JsonNode after = json.readTree(Files.readString(file));
        ((com.fasterxml.jackson.databind.node.ObjectNode) after.get("acme")).remove("api_keys");
        ((com.fasterxml.jackson.databind.node.ObjectNode) after.get("globex")).remove("api_keys");
        assertThat(after).isEqualTo(before);
        assertThat(Files.readString(file)).contains("2.50").contains("12345678901234567890");
    }

    @Test
    void wrongOrAlteredKeysDoNotAuthenticate() throws Exception {
        Path file = write(ACCOUNTS);
        ApiKeys.Created created = ApiKeys.create(file, "acme");
        ApiKeys.Created other = ApiKeys.create(file, "globex");
        ApiKeys keys = ApiKeys.load(file);
        String key = created.key();
        char last = key.charAt(key.length() - 1);
        assertThat(keys.authenticate(key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A'))).isEmpty();
        assertThat(keys.authenticate(key + "x")).isEmpty();
        // another key's secret under this key's id
        assertThat(keys.authenticate("ed_" + created.id() + other.key().substring(19))).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
        assertThat(keys.authenticate("ed_")).isEmpty();
        assertThat(keys.authenticate("Bearer " + key)).isEmpty();
        assertThat(keys.authenticate(other.key())).map(ApiKeys.Key::account).contains("globex");
    }

    @Test
    void anAccountNotInTheFileOrAMissingFileIsRefusedAndTheFileIsUntouched() throws Exception {
        Path file = write(ACCOUNTS);
        assertThatThrownBy(() -> ApiKeys.create(file, "initech")).isInstanceOf(IOException.class)
                .hasMessageContaining("account 'initech' is not in");
        assertThat(Files.readString(file)).isEqualTo(ACCOUNTS);
        assertThatThrownBy(() -> ApiKeys.create(dir.resolve("missing.json"), "acme")).isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("missing.json")).doesNotExist();
    }

    @Test
    void malformedKeyEntriesAreErrorsNamingTheAccount() throws Exception {
        assertThatThrownBy(() -> ApiKeys.load(write("{\"acme\": {\"api_keys\": \"ed_x\"}}")))
                .hasMessageContaining("account 'acme': api_keys must be an array");
        assertThatThrownBy(() -> ApiKeys.load(write("{\"acme\": {\"api_keys\": [{\"id\": \"1\", \"sha256\": \"ab\"}]}}")))
                .hasMessageContaining("account 'acme'");
        String entry = "{\"id\": \"0123456789abcdef\", \"sha256\": \"" + "0".repeat(64) + "\"}";
        assertThatThrownBy(() -> ApiKeys.load(write("{\"a\": {\"api_keys\": [" + entry + "]}, \"b\": {\"api_keys\": [" + entry + "]}}")))
                .hasMessageContaining("appears twice");
        assertThat(ApiKeys.load(write(ACCOUNTS)).isEmpty()).isTrue();
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "accounts", ".json");
        Files.writeString(file, text);
        return file;
    }
}
