package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.ResultEvent;
import dev.edgedispatcher.callback.AttemptBudget;
import dev.edgedispatcher.callback.CallbackTarget;
import dev.edgedispatcher.callback.FailureClass;
import dev.edgedispatcher.callback.FragmentParser;
import dev.edgedispatcher.callback.NextStep;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.RetryDecider;
import dev.edgedispatcher.callback.UrlKind;
import dev.edgedispatcher.worker.sign.Account;
import dev.edgedispatcher.worker.sign.Accounts;
import dev.edgedispatcher.worker.sign.PlivoV3Signature;
import dev.edgedispatcher.worker.sign.StandardWebhookSignature;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers one job (docs/callbacks.md, "Delivery semantics"): attempts on the primary URL as its
 * policy allows, then the fallback URL with {@code ErrorCode} and {@code ErrorUrl}, writing an
 * event per attempt. The rules come from callback-config ({@link RetryDecider},
 * {@link AttemptBudget}); per-destination bulkheads cap concurrency; each attempt is an
 * {@link HttpAttempt}. Runs on the caller's event-loop context.
 */
public final class DeliveryEngine {

    public static final String USER_AGENT = "edge-dispatcher/0.1";

    private final Vertx vertx;
    private final HttpAttempt http;
    private final DestinationBulkheads bulkheads;
    private final Accounts accounts;
    private final String region;
    private final Consumer<ResultEvent.Attempt> attemptEvents;
    private final MeterRegistry metrics;
    private final long retryBackoffMs;
    private final Map<String, Timer> attemptTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public DeliveryEngine(Vertx vertx, HttpAttempt http, DestinationBulkheads bulkheads, Accounts accounts, String region,
            Consumer<ResultEvent.Attempt> attemptEvents, MeterRegistry metrics, long retryBackoffMs) {
        this.vertx = vertx;
        this.http = http;
        this.bulkheads = bulkheads;
        this.accounts = accounts;
        this.region = region;
        this.attemptEvents = attemptEvents;
        this.metrics = metrics;
        this.retryBackoffMs = retryBackoffMs;
    }

    /** What happened on one URL. */
    private record UrlResult(boolean delivered, List<String> classes, Optional<FailureClass> lastFailure,
            Optional<Integer> lastStatus, String reason) {
    }

    /** Parses the job's URLs, then delivers it as {@link #deliver(JobRecord, CallbackTarget, Optional)}. */
    public Future<DeliveryOutcome> deliver(JobRecord job) {
        ParseResult<CallbackTarget> primary = FragmentParser.parse(job.url(), job.kind());
        if (primary instanceof ParseResult.Rejected<CallbackTarget> rejected) {
            return Future.succeededFuture(failedBeforeSending("invalid url: " + rejected.error().detail()));
        }
        Optional<CallbackTarget> fallback = Optional.empty();
        if (job.fallbackUrl() != null) {
            ParseResult<CallbackTarget> parsed = FragmentParser.parse(job.fallbackUrl(), UrlKind.FALLBACK_URL);
            if (parsed instanceof ParseResult.Rejected<CallbackTarget> rejected) {
                return Future.succeededFuture(failedBeforeSending("invalid fallback_url: " + rejected.error().detail()));
            }
            fallback = Optional.of(parsed.orElseThrow());
        }
        return deliver(job, primary.orElseThrow(), fallback);
    }

    /**
     * Delivers {@code job} to {@code primary}, then to {@code fallback} if the primary fails: the
     * job's URLs already parsed (the worker's decoder checked every record), so no fragment is parsed
     * again on the event loop.
     */
    public Future<DeliveryOutcome> deliver(JobRecord job, CallbackTarget primaryTarget, Optional<CallbackTarget> fallback) {
        Optional<Account> account = accounts.find(job.account());
        if (account.isEmpty()) {
            return Future.succeededFuture(failedBeforeSending("unknown account '" + job.account()
                    + "': no signing secrets configured for it (see --accounts)"));
        }
        Optional<CallbackTarget> fallbackTarget = fallback;
        OutgoingRequest primaryRequest = RequestEncoder.encode(job.method(), primaryTarget.url(), job.params(),
                Map.of(), Optional.ofNullable(job.body()), Optional.ofNullable(job.contentType()));
        return deliverUrl(job, account.get(), primaryTarget, primaryRequest, "primary", fallback.isPresent())
                .compose(first -> {
                    if (first.delivered()) {
                        return Future.succeededFuture(new DeliveryOutcome(true, Optional.of("primary"), first.classes(),
                                first.reason()));
                    }
                    if (fallbackTarget.isEmpty()) {
                        return Future.succeededFuture(new DeliveryOutcome(false, Optional.empty(), first.classes(),
                                first.reason()));
                    }
                    Map<String, String> errorParams = new LinkedHashMap<>();
                    errorParams.put("ErrorCode", first.lastFailure().map(FailureClass::wireName).orElse("unknown"));
                    errorParams.put("ErrorUrl", primaryTarget.url().text());
                    first.lastStatus().ifPresent(status -> errorParams.put("ErrorStatus", String.valueOf(status)));
                    OutgoingRequest fallbackRequest = RequestEncoder.encode(job.method(), fallbackTarget.get().url(),
                            job.params(), errorParams, Optional.ofNullable(job.body()), Optional.ofNullable(job.contentType()));
                    return deliverUrl(job, account.get(), fallbackTarget.get(), fallbackRequest, "fallback", false)
                            .map(second -> {
                                List<String> classes = new ArrayList<>(first.classes());
                                classes.addAll(second.classes());
                                return new DeliveryOutcome(second.delivered(),
                                        second.delivered() ? Optional.of("fallback") : Optional.empty(), classes,
                                        "primary: " + first.reason() + "; fallback: " + second.reason());
                            });
                });
    }

    private static DeliveryOutcome failedBeforeSending(String reason) {
        return new DeliveryOutcome(false, Optional.empty(), List.of(), reason);
    }

    private Future<UrlResult> deliverUrl(JobRecord job, Account account, CallbackTarget target, OutgoingRequest request,
            String role, boolean fallbackAvailable) {
        return new UrlRun(job, account, target, request, role, fallbackAvailable).start();
    }

    /** The attempts on one URL: its policy, its tt clock and the failure classes seen so far. */
    private final class UrlRun {
        private final JobRecord job;
        private final Account account;
        private final CallbackTarget target;
        private final OutgoingRequest request;
        private final String role;
        private final boolean fallbackAvailable;
        private final String destination;
        private final long startNanos = System.nanoTime();
        private final List<String> classes = new ArrayList<>();
        private final Promise<UrlResult> done = Promise.promise();

        UrlRun(JobRecord job, Account account, CallbackTarget target, OutgoingRequest request, String role,
                boolean fallbackAvailable) {
            this.job = job;
            this.account = account;
            this.target = target;
            this.request = request;
            this.role = role;
            this.fallbackAvailable = fallbackAvailable;
            // One destination per host, whatever the port (as in the dispatcher's admission).
            this.destination = target.url().host().toLowerCase(java.util.Locale.ROOT);
        }

        Future<UrlResult> start() {
            attempt(1);
            return done.future();
        }

        private void attempt(int attempt) {
            try {
                startAttempt(attempt);
            } catch (RuntimeException e) {
                done.tryFail(e); // a bug must end the delivery, not leave it hanging
            }
        }

        private void startAttempt(int attempt) {
            withPermit(destination, AttemptBudget.of(target.policy(), remainingMs())).onComplete(permitted -> {
                if (permitted.failed()) {
                    attemptAfterWait(new AttemptResult(attempt, Optional.of(FailureClass.CT), Optional.empty(),
                            permitted.cause().getMessage(), java.time.Instant.now(), 0, -1));
                    return;
                }
                DestinationBulkheads.Permit permit = permitted.result();
                // Waiting for the permit used some of tt: cut the attempt's timeouts to what is left now.
                AttemptBudget cut = AttemptBudget.of(target.policy(), remainingMs());
                Future<AttemptResult> sent;
                try {
                    sent = http.execute(request, headers(job, account, request, role, attempt), attempt, cut);
                } catch (RuntimeException e) {
                    permit.release();
                    done.tryFail(e);
                    return;
                }
                sent.onComplete(result -> {
                    permit.release();
                    try {
                        afterAttempt(result.result());
                    } catch (RuntimeException e) {
                        done.tryFail(e);
                    }
                });
            });
        }

        private void attemptAfterWait(AttemptResult waited) {
            try {
                afterAttempt(waited);
            } catch (RuntimeException e) {
                done.tryFail(e);
            }
        }

        private void afterAttempt(AttemptResult result) {
            record(job, request, role, result);
            if (result.succeeded()) {
                done.complete(new UrlResult(true, classes, Optional.empty(), result.status(), result.reason()));
                return;
            }
            FailureClass failure = result.failure().orElseThrow();
            classes.add(failure.wireName());
            NextStep next = RetryDecider.afterFailure(target.policy(), failure, result.attempt(), remainingMs(),
                    fallbackAvailable);
            if (next instanceof NextStep.Retry retry) {
                if (retryBackoffMs > 0) {
                    vertx.setTimer(retryBackoffMs / 2 + (long) (Math.random() * retryBackoffMs), id -> attempt(retry.attempt()));
                } else {
                    attempt(retry.attempt());
                }
                return;
            }
            String why = next instanceof NextStep.Stop stop ? stop.reason().wireName()
                    : ((NextStep.FallBack) next).reason().wireName();
            done.complete(new UrlResult(false, classes, Optional.of(failure), result.status(),
                    failure.wireName() + " on attempt " + result.attempt() + " (" + result.reason() + "), " + why));
        }

        private OptionalLong remainingMs() {
            if (target.policy().totalTimeoutMs().isEmpty()) {
                return OptionalLong.empty();
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            return OptionalLong.of(target.policy().totalTimeoutMs().getAsInt() - elapsed);
        }
    }

    /** A bulkhead permit, waited for no longer than what is left of tt. */
    private Future<DestinationBulkheads.Permit> withPermit(String destination, AttemptBudget budget) {
        Promise<DestinationBulkheads.Permit> promise = Promise.promise();
        bulkheads.acquire(destination, promise);
        if (budget.deadlineMs().isPresent() && !promise.future().isComplete()) {
            long timer = vertx.setTimer(Math.max(1, budget.deadlineMs().getAsLong()), id -> promise.tryFail(
                    "total timeout (tt) expired waiting for a connection slot to " + destination));
            promise.future().onComplete(ignored -> vertx.cancelTimer(timer));
        }
        return promise.future();
    }

    private Map<String, String> headers(JobRecord job, Account account, OutgoingRequest request, String role, int attempt) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("user-agent", USER_AGENT);
        headers.put("webhook-id", job.deliveryId());
        headers.put("x-edge-attempt", String.valueOf(attempt));
        headers.put("x-edge-target", role);
        headers.put("x-edge-region", region);
        String nonce = PlivoV3Signature.newNonce();
        headers.put("x-plivo-signature-v3-nonce", nonce);
        // One signature per active token, comma-separated: Plivo's SDKs accept a match on any.
        StringJoiner plivo = new StringJoiner(",");
        for (String token : account.authTokens()) {
            plivo.add(PlivoV3Signature.sign(request.method(), request.url().text(), request.signedFormParams(), nonce, token));
        }
        headers.put("x-plivo-signature-v3", plivo.toString());
        if (!account.webhookSecrets().isEmpty()) {
            long timestamp = System.currentTimeMillis() / 1000;
            headers.put("webhook-timestamp", String.valueOf(timestamp));
            // Standard Webhooks: space-separated "v1,<sig>" entries, receivers accept any match.
            StringJoiner standard = new StringJoiner(" ");
            for (String secret : account.webhookSecrets()) {
                standard.add(StandardWebhookSignature.sign(secret, job.deliveryId(), timestamp, request.body()));
            }
            headers.put("webhook-signature", standard.toString());
        }
        return headers;
    }

    private void record(JobRecord job, OutgoingRequest request, String role, AttemptResult result) {
        attemptTimers.computeIfAbsent(result.outcome(), outcome -> Timer.builder("dispatcher_attempt")
                        .description("one HTTP attempt, connect to last byte")
                        .tag("region", region).tag("outcome", outcome)
                        .publishPercentileHistogram()
                        .register(metrics))
                .record(result.durationMs(), TimeUnit.MILLISECONDS);
        attemptEvents.accept(ResultEvent.attempt(job.id(), region, request.url().text(), role, result.attempt(),
                result.outcome(), result.status().orElse(null), result.reason(), result.startedAt().toString(),
                result.durationMs()));
    }
}
