package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobState;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dispatcher submit}: posts one job to a running scheduler and optionally waits for its outcome. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits one job to the scheduler's HTTP API; with --wait, waits for its final outcome.",
                "Exit codes: 0 accepted (or delivered with --wait), 1 the job failed, 2 bad input, 4 scheduler,"
                        + " Kafka or job store unavailable, 5 refused (API key, account, rate limit), 6 still not final"
                        + " when --timeout ran out."})
final class SubmitCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "URL", description = "Callback URL, fragment included (quote it).")
    String url;

    @Option(names = "--param", paramLabel = "K=V", description = "A parameter to send (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--fallback", paramLabel = "URL", description = "Fallback URL, with its own fragment.")
    String fallback;

    @Option(names = "--kind", paramLabel = "K", description = "URL kind (default answer_url).")
    String kind;

    @Option(names = "--method", paramLabel = "M", description = "GET or POST (default POST).")
    String method;

    @Option(names = "--id", paramLabel = "ID", description = "Job id (default: generated, UUIDv7).")
    String id;

    @Option(names = "--media-server", paramLabel = "M", description = "Media server of the call (for er=local).")
    String mediaServer;

    @Option(names = "--ordering-key", paramLabel = "K", description = "Jobs with the same key are delivered in order.")
    String orderingKey;

    @Option(names = "--account", paramLabel = "A", description = "Account whose secrets sign the request.")
    String account;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "Scheduler base URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:DISPATCHER_API_KEY}",
            description = "API key sent as Authorization: Bearer (default: $DISPATCHER_API_KEY; needed when the scheduler has keys).")
    String apiKey;

    @Option(names = "--wait", description = "Wait until the job is delivered or failed and print its status.")
    boolean waitForOutcome;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode job = JSON.createObjectNode();
        putIfSet(job, "id", id);
        job.put("url", url);
        putIfSet(job, "kind", kind);
        putIfSet(job, "method", method);
        if (!params.isEmpty()) {
            ObjectNode node = job.putObject("params");
            params.forEach(node::put);
        }
        putIfSet(job, "fallback_url", fallback);
        putIfSet(job, "media_server", mediaServer);
        putIfSet(job, "ordering_key", orderingKey);
        putIfSet(job, "account", account);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            response = http.send(authorized(HttpRequest.newBuilder(URI.create(server + "/v1/jobs")))
                    .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(job))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("error: the scheduler at " + server + " is not reachable (" + e.getMessage()
                    + "); is `dispatcher up` running?");
            return ExitCode.UNAVAILABLE;
        }
        if (response.statusCode() != 202) {
            err.println(response.body());
            return ExitCode.forStatus(response.statusCode());
        }
        JsonNode accepted = JSON.readTree(response.body());
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(accepted));
        if (!waitForOutcome) {
            return 0;
        }
        String jobId = accepted.get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = http.send(authorized(HttpRequest.newBuilder(URI.create(server + "/v1/jobs/" + jobId)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() == 200) {
                JsonNode document = JSON.readTree(status.body());
                Optional<JobState> state = JobState.fromWire(document.get("state").asText()).filter(JobState::isFinal);
                if (state.isPresent()) {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
                    return state.get() == JobState.DELIVERED ? ExitCode.OK : ExitCode.FAILED;
                }
            }
            Thread.sleep(200);
        }
        err.println("error: job " + jobId + " is not final after " + timeoutSeconds + " s");
        return ExitCode.TIMED_OUT;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return apiKey == null || apiKey.isBlank() ? request : request.header("authorization", "Bearer " + apiKey.trim());
    }
}
