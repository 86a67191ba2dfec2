package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dispatcher redrive}: sends every final job matching the filters again through the
 * scheduler's {@code POST /v1/jobs:redrive}, counting them first with a dry run, with a progress
 * bar on standard error (read from the scheduler's {@code dispatcher_redrive_*} metrics) and the
 * scheduler's report as JSON on standard output.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true,
        description = {"Sends every delivered or failed job that matches the filters again, once each, as a new job"
                + " that keeps the original webhook-id.",
                "It counts the matches first (a dry run), shows progress on standard error and prints the scheduler's"
                        + " report as JSON on standard output.",
                "Exit codes: 0 done, 1 some jobs were not accepted by Kafka, 2 bad input, 4 scheduler or job store"
                        + " unavailable, 5 refused (API key, account, rate limit)."})
final class RedriveCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BAR_WIDTH = 30;

    @Option(names = "--state", paramLabel = "STATE", defaultValue = "failed",
            description = "Final state of the jobs to send again: failed or delivered (default: ${DEFAULT-VALUE}).")
    String state;

    @Option(names = "--region", paramLabel = "R", description = "Only jobs delivered from this region.")
    String region;

    @Option(names = "--account", paramLabel = "A", description = "Only jobs of this account.")
    String account;

    @Option(names = "--host", paramLabel = "HOST", description = "Only jobs whose URL has this host (no port).")
    String host;

    @Option(names = "--outcome", paramLabel = "O",
            description = "Only jobs whose last attempt ended so: ok, ct, rt, 4xx, 5xx, 3xx or partial.")
    String outcome;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only jobs accepted at or after this time (ISO-8601 such as 2026-12-01T10:00:00Z, or epoch ms).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only jobs accepted before this time (ISO-8601 or epoch ms).")
    String until;

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N jobs, the newest first (default: the scheduler's, 10,000; at most 1,000,000).")
    Integer limit;

    @Option(names = "--dry-run", description = "Count and check the matching jobs, and send nothing.")
    boolean dryRun;

    @Option(names = {"--scheduler", "--server"}, paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "Scheduler base URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:DISPATCHER_API_KEY}",
            description = "API key sent as Authorization: Bearer (default: $DISPATCHER_API_KEY; needed when the scheduler"
                    + " has keys).")
    String apiKey;

    @Spec
    CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpResponse<String> counted;
        try {
            counted = redrive(true).get();
        } catch (ExecutionException e) {
            err.println("error: the scheduler at " + server + " is not reachable (" + e.getCause().getMessage()
                    + "); is `dispatcher up` running?");
            return ExitCode.UNAVAILABLE;
        }
        if (counted.statusCode() != 200) {
            return refused(counted, err);
        }
        JsonNode dry = JSON.readTree(counted.body());
        int matched = dry.get("matched").asInt();
        int notRedrivable = dry.get("not_redrivable").asInt();
        err.println("redrive: " + matched + " job" + (matched == 1 ? "" : "s") + " match" + (matched == 1 ? "es" : "")
                + (notRedrivable > 0 ? ", " + notRedrivable + " of them cannot be sent again" : ""));
        if (dryRun || matched == 0) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dry));
            err.flush();
            return 0;
        }
        long before = handledSoFar();
        CompletableFuture<HttpResponse<String>> running = redrive(false);
        HttpResponse<String> done = null;
        while (done == null) {
            try {
                done = running.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                drawBar(err, Math.min(matched, Math.max(0, handledSoFar() - before)), matched);
            } catch (ExecutionException e) {
                err.println();
                err.println("error: the scheduler at " + server + " stopped answering during the redrive ("
                        + e.getCause().getMessage() + "); the jobs sent so far stay sent: GET /v1/jobs shows them");
                return ExitCode.UNAVAILABLE;
            }
        }
        if (done.statusCode() != 200) {
            err.println();
            return refused(done, err);
        }
        JsonNode report = JSON.readTree(done.body());
        drawBar(err, matched, matched);
        err.println();
        err.println("redrive: matched " + report.get("matched").asInt() + ", sent again " + report.get("accepted").asInt()
                + ", not redrivable " + report.get("not_redrivable").asInt() + ", not accepted by Kafka "
                + report.get("publish_failed").asInt());
        for (JsonNode skipped : report.get("not_redrivable_samples")) {
            err.println("  not redrivable: " + skipped.get("id").asText() + ": " + skipped.get("reason").asText());
        }
        err.flush();
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return report.get("publish_failed").asInt() == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private CompletableFuture<HttpResponse<String>> redrive(boolean dry) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("state", state);
        putIfSet(body, "region", region);
        putIfSet(body, "account", account);
        putIfSet(body, "host", host);
        putIfSet(body, "outcome", outcome);
        putIfSet(body, "since", since);
        putIfSet(body, "until", until);
        if (limit != null) {
            body.put("limit", limit);
        }
        body.put("dry_run", dry);
        // No request timeout: a redrive of tens of thousands is paced and answers when done.
        return http.sendAsync(authorized(HttpRequest.newBuilder(URI.create(server + "/v1/jobs:redrive")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Jobs every redrive of the scheduler has handled so far (sent, skipped or failed), from its metrics. */
    private long handledSoFar() {
        try {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(server + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long total = 0;
            for (String line : metrics.body().split("\n")) {
                if (line.startsWith("dispatcher_redrive_accepted_total") || line.startsWith("dispatcher_redrive_not_redrivable_total")
                        || line.startsWith("dispatcher_redrive_publish_failed_total")) {
                    total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void drawBar(PrintWriter err, long done, long total) {
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
        err.print("\r[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total + " jobs "
                + (total == 0 ? 100 : 100 * done / total) + "%");
        err.flush();
    }

    private static int refused(HttpResponse<String> response, PrintWriter err) {
        err.println("error: the scheduler refused the redrive (HTTP " + response.statusCode() + "): " + response.body());
        return ExitCode.forStatus(response.statusCode());
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
