package dev.edgedispatcher.scheduler.explain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.callback.CallbackTarget;
import dev.edgedispatcher.callback.FragmentParser;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.resolver.RegionResolver;
import dev.edgedispatcher.resolver.Resolution;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the {@code /v1/explain} document: effective policy and edge region of one URL. See
 * docs/api.md, "HTTP API".
 */
public final class Explainer {

    private final RegionResolver resolver;

    public Explainer(RegionResolver resolver) {
        this.resolver = resolver;
    }

    /** The explain document, or the input error; completes off the caller's thread when lookups are needed. */
    public CompletableFuture<ParseResult<ObjectNode>> explain(String url, String kind, Optional<String> mediaServer) {
        ParseResult<CallbackTarget> parsed = FragmentParser.parse(url, kind == null ? "answer_url" : kind);
        if (parsed instanceof ParseResult.Rejected<CallbackTarget> rejected) {
            return CompletableFuture.completedFuture(ParseResult.rejected(rejected.error()));
        }
        CallbackTarget target = parsed.orElseThrow();
        return resolver.resolve(target.policy().edgeRegion(), target.url().host(), mediaServer)
                .thenApply(resolution -> ParseResult.accepted(document(target, resolution)));
    }

    private ObjectNode document(CallbackTarget target, Resolution resolution) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("url", target.url().text());
        node.put("kind", target.kind().wireName());
        node.put("fragment_applied", target.fragmentApplied());
        target.note().ifPresent(note -> node.put("note", note));
        node.set("policy", PolicyJson.policy(target.policy()));
        node.put("region", resolution.region().wireName());
        node.set("resolution", PolicyJson.resolution(resolution));
        resolver.attribution().ifPresent(attribution -> node.put("attribution", attribution));
        return node;
    }
}
