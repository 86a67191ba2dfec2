package dev.edgedispatcher.callback;

import java.util.Objects;
import java.util.Optional;

/**
 * One URL of a job, ready to deliver: where to send it (fragment removed) and under which policy.
 *
 * @param url the URL to request, without the fragment, query byte-exact
 * @param kind the URL kind it was parsed as
 * @param policy the effective policy
 * @param fragmentApplied whether the URL's fragment decided the policy (false for audio kinds)
 * @param note why the fragment was not applied, when a fragment was present but ignored
 */
public record CallbackTarget(HttpUrl url, UrlKind kind, CallbackPolicy policy, boolean fragmentApplied, Optional<String> note) {

    public CallbackTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(note, "note");
    }
}
