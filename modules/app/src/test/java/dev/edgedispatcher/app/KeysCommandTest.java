package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.scheduler.TestJson;
import dev.edgedispatcher.scheduler.auth.ApiAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `dispatcher keys create` as a user runs it, and the key it prints used against a running scheduler. */
class KeysCommandTest {

    private static final String ACCOUNTS = """
            {
              "acme": {"auth_token": "MAacmeacmeacmeacme01", "auth_tokens": ["MAacmeacmeacmeacme01", "MAoldoldoldoldoldol1"],
                       "webhook_secrets": ["whsec_bmV3", "whsec_b2xk"], "future_field": {"x": [1, 2.50, null, true]}},
              "globex": {"auth_token": "MAglobexglobexglob01"}
            }""";

    @Test
    void theKeyIsPrintedOnceTheFileKeepsOnlyItsHashAndEveryOtherField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.json");
        Files.writeString(file, ACCOUNTS);

        CommandRun run = CommandRun.dispatcher("keys", "create", "--account", "acme", "--accounts", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String key = run.out().trim();
        assertThat(key).matches("ed_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
        assertThat(run.out().lines()).hasSize(1);
        assertThat(run.err()).contains("for account 'acme'").doesNotContain(key);
        String text = Files.readString(file);
        assertThat(text).doesNotContain(key).doesNotContain(key.substring(20));
        JsonNode after = TestJson.read(text);
        JsonNode stored = after.at("/acme/api_keys");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes())));
        ((ObjectNode) after.get("acme")).remove("api_keys");
        assertThat(after).isEqualTo(TestJson.read(ACCOUNTS));
        assertThat(text).contains("2.50");
    }

    @Test
    void thePrintedKeyIsWhatTheSchedulerAccepts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.json");
        Files.writeString(file, ACCOUNTS);
        String key = CommandRun.dispatcher("keys", "create", "--account", "acme", "--accounts", file.toString()).out().trim();
        String other = CommandRun.dispatcher("keys", "create", "--account", "globex", "--accounts", file.toString()).out().trim();

        ApiAccess access = new ApiAccessOptions().access(file);
        try (LocalStack stack = TestStacks.schedulerOnly(dir.resolve("data"),
                scheduler -> scheduler.withKnownAccounts(Set.of("acme", "globex")).withAccess(access))) {
            String server = "http://127.0.0.1:" + stack.httpPort();
            CommandRun accepted = CommandRun.dispatcher("submit", "https://example.com/answer#er=mumbai", "--id", "keyed-1",
                    "--server", server, "--api-key", key);
            assertThat(accepted.exitCode()).as(accepted.err()).isZero();
            assertThat(accepted.json().get("id").asText()).isEqualTo("keyed-1");

            CommandRun noKey = CommandRun.dispatcher("submit", "https://example.com/answer#er=mumbai", "--server", server,
                    "--api-key", "");
            assertThat(noKey.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(noKey.err()).contains("\"error\":\"unauthorized\"");

            CommandRun otherAccount = CommandRun.dispatcher("submit", "https://example.com/answer#er=mumbai", "--server", server,
                    "--api-key", other, "--account", "acme");
            assertThat(otherAccount.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(otherAccount.err()).contains("\"error\":\"forbidden\"");
        }
    }

    @Test
    void anAccountNotInTheFileIsRefusedAndTheFileLeftAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("accounts.json");
        Files.writeString(file, ACCOUNTS);
        CommandRun run = CommandRun.dispatcher("keys", "create", "--account", "initech", "--accounts", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(run.err()).contains("account 'initech' is not in").contains("auth_token");
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(ACCOUNTS);

        CommandRun inDataDir = CommandRun.dispatcher("keys", "create", "--account", "acme", "--data-dir", dir.resolve("none").toString());
        assertThat(inDataDir.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(inDataDir.err()).contains("accounts.json does not exist");
    }

    @Test
    void keysAloneListsItsSubcommands() {
        CommandRun run = CommandRun.dispatcher("keys");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("create").contains("API keys");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void upWithoutKeysRefusesToListenBeyondLoopback(@TempDir Path dir) {
        CommandRun run = CommandRun.dispatcher("up", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(run.err()).contains("refusing to serve an open /v1 on 0.0.0.0");
    }
}
