package dev.edgedispatcher.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code dispatcher explain} as a user runs it: exit codes, stdout/stderr, the JSON document. */
class ExplainCommandTest {


    @org.junit.jupiter.api.BeforeAll
    static void fetchGeoIpDataOnFirstUse() throws Exception {
        dev.edgedispatcher.resolver.GeoIpTestData.directory();
    }


    @Test
    void anOutOfRangeValueExitsTwoNamingTheKeyAndTheRange() throws Exception {
        CommandRun run = CommandRun.dispatcher("explain", "https://example.com/a?x=1#ct=50", "--json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        JsonNode error = new ObjectMapper().readTree(run.err());
        assertThat(error.get("field").asText()).isEqualTo("ct");
        assertThat(error.get("detail").asText()).contains("ct=50").contains("100–10000");
        CommandRun readable = CommandRun.dispatcher("explain", "https://example.com/a?x=1#ct=50");
        assertThat(readable.exitCode()).isEqualTo(2);
        assertThat(readable.err()).startsWith("error: ct=50 is out of range").contains("100–10000");
    }

    @Test
    void anExplicitRegionPrintsThePolicyAndTheUrlWithoutItsFragment() throws Exception {
        CommandRun run = CommandRun.dispatcher("explain", "https://example.com/a?x=1#rc=3&rp=5xx,ct&er=frankfurt", "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.get("url").asText()).isEqualTo("https://example.com/a?x=1");
        assertThat(doc.get("kind").asText()).isEqualTo("answer_url");
        assertThat(doc.get("fragment_applied").asBoolean()).isTrue();
        assertThat(doc.at("/policy/rc").asInt()).isEqualTo(3);
        assertThat(doc.at("/policy/rp").toString()).isEqualTo("[\"5xx\",\"ct\"]");
        assertThat(doc.at("/policy/er").asText()).isEqualTo("frankfurt");
        assertThat(doc.at("/policy/ct").asInt()).isEqualTo(2000);
        assertThat(doc.at("/policy/tt").asInt()).isEqualTo(55_000);
        assertThat(doc.get("region").asText()).isEqualTo("frankfurt");
        assertThat(doc.at("/resolution/rule").asText()).isEqualTo("explicit");
    }

    @Test
    void nearestUsesTheRealGeoIpData() throws Exception {
        JsonNode frankfurt = CommandRun.dispatcher("explain", "http://141.1.1.1/cb", "--json").json();
        assertThat(frankfurt.get("region").asText()).isEqualTo("frankfurt");
        assertThat(frankfurt.at("/resolution/location/city").asText()).isEqualTo("Frankfurt am Main");
        assertThat(frankfurt.at("/resolution/distance_km").asDouble()).isBetween(0.0, 5.0);
        assertThat(frankfurt.get("attribution").asText()).contains("DB-IP.com");
        assertThat(CommandRun.dispatcher("explain", "http://8.8.8.8/cb", "--json").json().get("region").asText()).isEqualTo("n_california");
    }

    @Test
    void localUsesTheMediaServer() throws Exception {
        JsonNode doc = CommandRun.dispatcher("explain", "http://8.8.8.8/cb#er=local", "--media-server", "ms-mumbai-1", "--json").json();
        assertThat(doc.get("region").asText()).isEqualTo("mumbai");
        assertThat(doc.at("/resolution/rule").asText()).isEqualTo("local");
    }

    @Test
    void audioKindsSayTheFragmentWasIgnored() throws Exception {
        JsonNode doc = CommandRun.dispatcher("explain", "https://example.com/beep.mp3#ct=50", "--kind", "play", "--json").json();
        assertThat(doc.get("fragment_applied").asBoolean()).isFalse();
        assertThat(doc.get("note").asText()).contains("ignored");
        assertThat(doc.at("/policy/tt").isNull()).isTrue();
        assertThat(doc.at("/policy/rt").asInt()).isEqualTo(120_000);
        assertThat(doc.at("/policy/rp").toString()).isEqualTo("[\"4xx\",\"5xx\",\"ct\",\"rt\"]");
    }

    @Test
    void anUnknownKindIsBadInput() {
        CommandRun run = CommandRun.dispatcher("explain", "https://example.com/a", "--kind", "answer");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("kind 'answer'").contains("answer_url");
    }

    @Test
    void everyCommandHasHelp() {
        CommandRun root = CommandRun.dispatcher("--help");
        assertThat(root.exitCode()).isZero();
        assertThat(root.out()).contains("explain").contains("broker").contains("scheduler").contains("worker");
        CommandRun broker = CommandRun.dispatcher("broker", "--help");
        assertThat(broker.exitCode()).isZero();
        assertThat(broker.out()).contains("--data-dir").contains("--kafka-port");
        for (String command : new String[] {"scheduler", "up"}) {
            CommandRun run = CommandRun.dispatcher(command, "--help");
            assertThat(run.out()).as(command).contains("--job-store-config");
        }
        CommandRun explain = CommandRun.dispatcher("explain", "--help");
        assertThat(explain.exitCode()).isZero();
        assertThat(explain.out()).contains("--kind").contains("--media-server").contains("--json");
    }
}
