package dev.edgedispatcher.worker;

import static dev.edgedispatcher.worker.RecordingServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.sign.Accounts;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signatures on real captured requests, checked by the official validators (Plivo's Node SDK
 * {@code validateV3Signature} and the Standard Webhooks library), not by our own code.
 */
class SignatureInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void plivoAndStandardWebhooksValidatorsAcceptWhatWeSend(@TempDir Path dir) throws Exception {
        Path accountsFile = dir.resolve("accounts.json");
        Files.writeString(accountsFile, "{\"acme\": {\"auth_token\": \"acme-token-123\", \"webhook_secret\": \"" + SECRET + "\"}}");
        Accounts accounts = Accounts.load(accountsFile, DeliveryHarness.AUTH_TOKEN);
        try (RecordingServer server = new RecordingServer();
                DeliveryHarness harness = new DeliveryHarness(List.of(Cidr.parse("127.0.0.0/8")), accounts)) {
            server.on("/cb", status(200));
            Map<String, String> params = new LinkedHashMap<>();
            params.put("CallUUID", "c-1");
            params.put("From", "+1 415 555 0100");
            params.put("Zeta", "ü&=?");
            params.put("Alpha", "");
            List<JobRecord> jobs = List.of(
                    job("s1", server.url("/cb"), "POST", params, null, null, "acme"),
                    job("s2", server.url("/cb?b=2&a=1&a=0"), "POST", params, null, null, "acme"),
                    job("s3", server.url("/cb?x=%20y+z"), "GET", params, null, null, "acme"),
                    job("s4", server.url("/cb"), "GET", Map.of(), null, null, null),
                    job("s5", server.url("/cb?q=1"), "POST", Map.of(), "{\"event\":\"hangup\"}", "application/json", "acme"),
                    job("s6", server.url("/cb"), "POST", params, null, null, null));
            for (JobRecord job : jobs) {
                assertThat(harness.deliver(job).delivered()).isTrue();
            }
            ArrayNode cases = JSON.createArrayNode();
            int withSecret = 0;
            for (RecordingServer.Received request : server.received("/cb")) {
                boolean acme = !request.header("webhook-id").equals("s4") && !request.header("webhook-id").equals("s6");
                ObjectNode c = cases.addObject();
                c.put("method", request.method());
                c.put("url", "http://127.0.0.1:" + server.port() + request.target());
                c.put("nonce", request.header("x-plivo-signature-v3-nonce"));
                c.put("signature", request.header("x-plivo-signature-v3"));
                c.put("authToken", acme ? "acme-token-123" : DeliveryHarness.AUTH_TOKEN);
                ObjectNode received = c.putObject("params");
                if ("application/x-www-form-urlencoded".equals(request.header("content-type"))) {
                    formDecode(request.bodyText()).forEach(received::put);
                }
                if (acme) {
                    withSecret++;
                    c.put("webhookSecret", SECRET);
                    c.put("body", request.bodyText());
                    ObjectNode headers = c.putObject("standardHeaders");
                    headers.put("webhook-id", request.header("webhook-id"));
                    headers.put("webhook-timestamp", request.header("webhook-timestamp"));
                    headers.put("webhook-signature", request.header("webhook-signature"));
                } else {
                    assertThat(request.header("webhook-signature")).isNull();
                }
            }
            Path casesFile = dir.resolve("cases.json");
            Files.writeString(casesFile, JSON.writeValueAsString(cases));
            JsonNode verdict = JSON.readTree(NodeVerifiers.verify(casesFile));
            assertThat(verdict.get("plivo")).hasSize(6);
            verdict.get("plivo").forEach(ok -> assertThat(ok.asBoolean()).as("plivo verdicts %s", verdict).isTrue());
            assertThat(verdict.get("standard")).hasSize(withSecret);
            verdict.get("standard").forEach(ok -> assertThat(ok.toString()).as("standard webhooks").isEqualTo("true"));

            // And they can fail: a tampered param is rejected by the same validator.
            ((ObjectNode) cases.get(0).get("params")).put("CallUUID", "forged");
            Files.writeString(casesFile, JSON.writeValueAsString(JSON.createArrayNode().add(cases.get(0))));
            assertThat(JSON.readTree(NodeVerifiers.verify(casesFile)).at("/plivo/0").asBoolean()).isFalse();
        }
    }

    @Test
    void duringARotationAReceiverHoldingEitherSecretAcceptsAndOneHoldingNeitherRejects(@TempDir Path dir) throws Exception {
        String oldSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString("old-secret-32-bytes-of-key-data!".getBytes());
        String strangerSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString("not-ours-32-bytes-of-key-data!!".getBytes());
        Path accountsFile = dir.resolve("accounts.json");
        Files.writeString(accountsFile, "{\"acme\": {\"auth_tokens\": [\"acme-token-new\", \"acme-token-old\"], "
                + "\"webhook_secrets\": [\"" + SECRET + "\", \"" + oldSecret + "\"], \"api_keys\": [\"ignored\"]}}");
        Accounts accounts = Accounts.load(accountsFile, DeliveryHarness.AUTH_TOKEN);
        try (RecordingServer server = new RecordingServer();
                DeliveryHarness harness = new DeliveryHarness(List.of(Cidr.parse("127.0.0.0/8")), accounts)) {
            server.on("/cb", status(200));
            Map<String, String> params = new LinkedHashMap<>();
            params.put("CallUUID", "c-rot");
            params.put("From", "+1 415 555 0100");
            assertThat(harness.deliver(job("rot-1", server.url("/cb?leg=a"), "POST", params, null, null, "acme")).delivered())
                    .isTrue();
            RecordingServer.Received request = server.received("/cb").get(0);
            assertThat(request.header("x-plivo-signature-v3").split(",")).hasSize(2);
            assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
            ArrayNode cases = JSON.createArrayNode();
            for (String[] held : new String[][] {{"acme-token-new", SECRET}, {"acme-token-old", oldSecret},
                    {"someone-elses-token", strangerSecret}}) {
                ObjectNode c = cases.addObject();
                c.put("method", request.method());
                c.put("url", "http://127.0.0.1:" + server.port() + request.target());
                c.put("nonce", request.header("x-plivo-signature-v3-nonce"));
                c.put("signature", request.header("x-plivo-signature-v3"));
                c.put("authToken", held[0]);
                ObjectNode received = c.putObject("params");
                formDecode(request.bodyText()).forEach(received::put);
                c.put("webhookSecret", held[1]);
                c.put("body", request.bodyText());
                ObjectNode headers = c.putObject("standardHeaders");
                headers.put("webhook-id", request.header("webhook-id"));
                headers.put("webhook-timestamp", request.header("webhook-timestamp"));
                headers.put("webhook-signature", request.header("webhook-signature"));
            }
            Path casesFile = dir.resolve("rotation.json");
            Files.writeString(casesFile, JSON.writeValueAsString(cases));
            JsonNode verdict = JSON.readTree(NodeVerifiers.verify(casesFile));
            assertThat(verdict.get("plivo").toString()).isEqualTo("[true,true,false]");
            assertThat(verdict.get("standard").get(0).toString()).isEqualTo("true");
            assertThat(verdict.get("standard").get(1).toString()).isEqualTo("true");
            assertThat(verdict.get("standard").get(2).toString()).as("a stranger's secret").isNotEqualTo("true");
        }
    }

    @Test
    void anAccountWithoutAnyAuthTokenIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path accountsFile = dir.resolve("accounts.json");
        Files.writeString(accountsFile, "{\"acme\": {\"auth_tokens\": [], \"webhook_secrets\": [\"" + SECRET + "\"]}}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Accounts.load(accountsFile, "t"))
                .hasMessageContaining("account 'acme' has no auth_token");
        Files.writeString(accountsFile, "{\"acme\": {\"auth_token\": \"t\", \"webhook_secrets\": [\"nope\"]}}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Accounts.load(accountsFile, "t"))
                .hasMessageContaining("must start with whsec_");
    }

    private static JobRecord job(String id, String url, String method, Map<String, String> params, String body,
            String contentType, String account) {
        return JobRecord.builder(id, url, "frankfurt").method(method).params(params).body(body, contentType).account(account)
                .submittedAt(java.time.Instant.EPOCH).build();
    }

    private static Map<String, String> formDecode(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
