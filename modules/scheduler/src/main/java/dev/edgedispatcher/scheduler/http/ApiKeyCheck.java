package dev.edgedispatcher.scheduler.http;

import static dev.edgedispatcher.scheduler.http.JsonReplies.error;
import static dev.edgedispatcher.scheduler.http.JsonReplies.respond;

import dev.edgedispatcher.scheduler.auth.ApiAccess;
import dev.edgedispatcher.scheduler.auth.ApiKeys;
import dev.edgedispatcher.scheduler.auth.KeyRateLimiter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The first handler of every {@code /v1} route (docs/operations.md, "Accounts and API keys"): when
 * keys are enforced, a missing or unknown key gets 401 before any body is read, and a request over
 * its key's rate 429. The caller's key is left on the context for the resource handlers
 * ({@link #caller}).
 */
final class ApiKeyCheck implements Handler<RoutingContext> {

    private static final String CALLER = "edge.caller";

    private final ApiAccess access;
    private final Optional<KeyRateLimiter> rateLimiter;

    ApiKeyCheck(ApiAccess access, Optional<KeyRateLimiter> rateLimiter) {
        this.access = access;
        this.rateLimiter = rateLimiter;
    }

    /** The authenticated caller's key; empty when keys are not enforced. */
    static Optional<ApiKeys.Key> caller(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(CALLER));
    }

    /** The caller's account when keys are enforced: what it may see and act on. */
    static Optional<String> callerAccount(RoutingContext ctx) {
        return caller(ctx).map(ApiKeys.Key::account);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!access.enforced()) {
            ctx.next();
            return;
        }
        String authorization = ctx.request().getHeader("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(ctx, "Bearer realm=\"edge-dispatcher\"", "an API key is required: send Authorization: Bearer <key>"
                    + " (dispatcher keys create --account A)");
            return;
        }
        Optional<ApiKeys.Key> key = access.keys().authenticate(authorization.substring(7).trim());
        if (key.isEmpty()) {
            unauthorized(ctx, "Bearer realm=\"edge-dispatcher\", error=\"invalid_token\"",
                    "the API key is not valid (unknown, revoked or mistyped)");
            return;
        }
        ctx.put(CALLER, key.get());
        // A batch costs its jobs: it takes from the bucket once its body is read (BatchHandler).
        if (!ctx.request().path().equals(ApiRoutes.BATCH) && !withinRate(ctx, key.get(), 1)) {
            return;
        }
        ctx.next();
    }

    private static void unauthorized(RoutingContext ctx, String challenge, String detail) {
        ctx.response().putHeader("www-authenticate", challenge);
        respond(ctx, 401, error("unauthorized", "authorization", detail));
    }

    /** Takes {@code cost} from the key's bucket, or answers 429 with Retry-After (whole seconds, at least 1). */
    boolean withinRate(RoutingContext ctx, ApiKeys.Key key, int cost) {
        if (rateLimiter.isEmpty()) {
            return true;
        }
        long waitMs = rateLimiter.get().tryTake(key.id(), cost);
        if (waitMs == 0) {
            return true;
        }
        rateLimited(ctx, key, waitMs);
        return false;
    }

    /** The key's bucket, when keys are enforced and rate limited. */
    Optional<KeyRateLimiter> rateLimiter() {
        return rateLimiter;
    }

    /** Answers 429 with Retry-After (whole seconds, at least 1). */
    void rateLimited(RoutingContext ctx, ApiKeys.Key key, long waitMs) {
        KeyRateLimiter limiter = rateLimiter.orElseThrow();
        ctx.response().putHeader("retry-after", Long.toString(Math.max(1, (waitMs + 999) / 1000)));
        respond(ctx, 429, error("rate_limited", null, "API key " + key.id() + " may send "
                + limiter.limit().perSecond() + " jobs/requests per second (bursts of " + limiter.limit().burst()
                + "); retry in " + waitMs + " ms"));
    }
}
