package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.scheduler.explain.Explainer;
import dev.edgedispatcher.scheduler.explain.PolicyJson;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dispatcher explain}: the effective policy and edge region of a URL; works without Kafka. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Shows the effective callback policy and edge region of URL (the /v1/explain document).",
                "Bad input is reported on stderr with exit code 2."})
final class ExplainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "URL", description = "Callback URL, fragment included, e.g. "
            + "'https://example.com/a?x=1#ct=2000&rc=3&er=frankfurt' (quote it: '&' and '#' are shell syntax).")
    String url;

    @Option(names = "--kind", paramLabel = "K", defaultValue = "answer_url",
            description = "URL kind (default: ${DEFAULT-VALUE}); audio kinds ignore the fragment.")
    String kind;

    @Option(names = "--media-server", paramLabel = "M", description = "Media server id or IP of the call (for er=local).")
    String mediaServer;

    @Option(names = "--json", description = "Print exactly the /v1/explain JSON document.")
    boolean json;

    @Mixin
    ResolverOptions resolverOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Explainer explainer = new Explainer(resolverOptions.build());
        ParseResult<ObjectNode> result = explainer.explain(url, kind, Optional.ofNullable(mediaServer)).join();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (result instanceof ParseResult.Rejected<ObjectNode> rejected) {
            if (json) {
                err.println(JSON.writeValueAsString(PolicyJson.error(rejected.error())));
            } else {
                err.println("error: " + rejected.error().detail());
            }
            return ExitCode.INVALID_INPUT;
        }
        ObjectNode document = result.orElseThrow();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } else {
            printReadable(out, document);
        }
        return 0;
    }

    private static void printReadable(PrintWriter out, ObjectNode document) {
        out.println("url:        " + document.get("url").asText());
        out.println("kind:       " + document.get("kind").asText()
                + (document.get("fragment_applied").asBoolean() ? "" : " (fragment not applied)"));
        if (document.has("note")) {
            out.println("note:       " + document.get("note").asText());
        }
        JsonNode policy = document.get("policy");
        out.println("policy:     ct=" + policy.get("ct") + "ms rt=" + policy.get("rt") + "ms tt="
                + (policy.get("tt").isNull() ? "none" : policy.get("tt") + "ms") + " rc=" + policy.get("rc")
                + " rp=" + join(policy.get("rp")) + " er=" + policy.get("er").asText());
        out.println("region:     " + document.get("region").asText());
        JsonNode resolution = document.get("resolution");
        out.println("resolution: " + resolution.get("rule").asText() + ": " + resolution.get("reason").asText());
        if (!resolution.get("distance_km").isNull()) {
            out.println("distance:   " + resolution.get("distance_km") + " km");
        }
        if (document.has("attribution")) {
            out.println(document.get("attribution").asText());
        }
    }

    private static String join(JsonNode array) {
        StringBuilder text = new StringBuilder();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            text.append(it.next().asText()).append(it.hasNext() ? "," : "");
        }
        return text.toString();
    }
}
