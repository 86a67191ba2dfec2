package dev.edgedispatcher.callback;

import dev.edgedispatcher.callback.internal.HttpUrlParser;
import dev.edgedispatcher.callback.internal.PercentDecoder;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns (URL, kind) into a {@link CallbackTarget} or a {@link PolicyError} (docs/callbacks.md, "The
 * callback fragment"). Strict: an unknown or repeated key, a missing {@code =}, a non-integer, an
 * out-of-range value or an unknown word rejects the URL. One pass over the input, no regular
 * expressions: hostile input is rejected in linear time.
 */
public final class FragmentParser {

    /** Longer fragments are rejected outright; a complete, fully percent-encoded one is far shorter. */
    public static final int MAX_FRAGMENT_LENGTH = 1024;
    /** Longer URLs are rejected. */
    public static final int MAX_URL_LENGTH = 8192;

    private static final String AUDIO_NOTE =
            "the fragment is ignored: audio kinds always use ct=2000, rt=120000, rc=1, rp=all, no tt, er=local";

    private FragmentParser() {
    }

    /** Parses a URL of the kind named on the wire (e.g. {@code answer_url}). */
    public static ParseResult<CallbackTarget> parse(String url, String kindName) {
        Optional<UrlKind> kind = UrlKind.fromWireName(kindName == null ? "" : kindName);
        if (kind.isEmpty()) {
            String value = kindName == null ? "" : HttpUrlParser.abbreviate(kindName);
            return ParseResult.rejected(new PolicyError("kind", value, UrlKind.allWireNames(),
                    "kind '" + value + "' is not a URL kind: allowed are " + UrlKind.allWireNames()));
        }
        return parse(url, kind.get());
    }

    public static ParseResult<CallbackTarget> parse(String url, UrlKind kind) {
        if (url == null || url.isEmpty()) {
            return ParseResult.rejected(new PolicyError("url", "", "an absolute http:// or https:// URL",
                    "url is missing: an absolute http:// or https:// URL is required"));
        }
        int hash = url.indexOf('#');
        int urlLength = hash < 0 ? url.length() : hash;
        if (urlLength > MAX_URL_LENGTH) {
            return ParseResult.rejected(new PolicyError("url", HttpUrlParser.abbreviate(url),
                    "at most " + MAX_URL_LENGTH + " characters before the fragment",
                    "url is " + urlLength + " characters long: at most " + MAX_URL_LENGTH + " are allowed"));
        }
        if (hash >= 0 && !kind.isAudio() && url.length() - hash - 1 > MAX_FRAGMENT_LENGTH) {
            return ParseResult.rejected(fragmentTooLong(url.substring(hash + 1, hash + 1 + 300), url.length() - hash - 1));
        }
        String withoutFragment = url.substring(0, urlLength);
        String fragment = hash < 0 ? "" : url.substring(hash + 1);

        ParseResult<HttpUrl> httpUrl = HttpUrlParser.parse(withoutFragment);
        if (httpUrl instanceof ParseResult.Rejected<HttpUrl> rejected) {
            return ParseResult.rejected(rejected.error());
        }
        HttpUrl target = httpUrl.orElseThrow();
        if (kind.isAudio()) {
            Optional<String> note = hash < 0 ? Optional.empty() : Optional.of(AUDIO_NOTE);
            return ParseResult.accepted(new CallbackTarget(target, kind, CallbackPolicy.AUDIO, false, note));
        }
        return parseFragment(fragment)
                .map(policy -> new CallbackTarget(target, kind, policy, true, Optional.empty()));
    }

    /** Parses a fragment body (the text after {@code #}); empty means all defaults. */
    public static ParseResult<CallbackPolicy> parseFragment(String fragment) {
        if (fragment.length() > MAX_FRAGMENT_LENGTH) {
            return ParseResult.rejected(fragmentTooLong(fragment, fragment.length()));
        }
        Map<PolicyKey, String> values = new EnumMap<>(PolicyKey.class);
        int start = 0;
        while (start < fragment.length()) {
            int end = fragment.indexOf('&', start);
            if (end < 0) {
                end = fragment.length();
            }
            PolicyError error = readPair(fragment.substring(start, end), values);
            if (error != null) {
                return ParseResult.rejected(error);
            }
            start = end + 1;
            if (end < fragment.length() && start == fragment.length()) {
                return ParseResult.rejected(emptyPair(fragment));
            }
        }
        return buildPolicy(values);
    }

    private static PolicyError fragmentTooLong(String head, int length) {
        return new PolicyError("fragment", HttpUrlParser.abbreviate(head), "at most " + MAX_FRAGMENT_LENGTH + " characters",
                "fragment is " + length + " characters long: at most " + MAX_FRAGMENT_LENGTH + " are allowed");
    }

    private static PolicyError readPair(String pair, Map<PolicyKey, String> values) {
        if (pair.isEmpty()) {
            return new PolicyError("fragment", "", "key=value pairs separated by &",
                    "fragment has an empty key=value pair (two '&' in a row, or a leading '&')");
        }
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        Optional<PolicyKey> policyKey = PolicyKey.fromKey(key);
        if (policyKey.isEmpty()) {
            return unknownKey(key);
        }
        if (equals < 0) {
            return new PolicyError(key, "", policyKey.get().allowed(),
                    key + " has no '=': write " + key + "=<value> with " + policyKey.get().allowed());
        }
        if (values.containsKey(policyKey.get())) {
            return new PolicyError(key, HttpUrlParser.abbreviate(pair.substring(equals + 1)), "each key at most once",
                    key + " is given more than once: each key may appear at most once");
        }
        String raw = pair.substring(equals + 1);
        String decoded = PercentDecoder.decodeOrNull(raw);
        if (decoded == null) {
            return new PolicyError(key, HttpUrlParser.abbreviate(raw), "percent-escapes of the form %XX encoding UTF-8",
                    key + "=" + HttpUrlParser.abbreviate(raw) + " has a malformed percent-escape");
        }
        values.put(policyKey.get(), decoded);
        return null;
    }

    private static PolicyError unknownKey(String key) {
        String shown = HttpUrlParser.abbreviate(key);
        String hint = key.startsWith("plivo_")
                ? " (the source document's summary mentions it, but no table defines it)"
                : "";
        return new PolicyError("fragment", shown, "keys " + PolicyKey.allKeys(),
                "unknown key '" + shown + "'" + hint + ": the keys are " + PolicyKey.allKeys()
                        + " (lower case)");
    }

    private static PolicyError emptyPair(String fragment) {
        return new PolicyError("fragment", HttpUrlParser.abbreviate(fragment), "key=value pairs separated by &",
                "fragment ends with '&': remove it or add a key=value pair");
    }

    private static ParseResult<CallbackPolicy> buildPolicy(Map<PolicyKey, String> values) {
        CallbackPolicy defaults = CallbackPolicy.DEFAULT;
        int[] numbers = {
                defaults.connectTimeoutMs(), defaults.readTimeoutMs(), defaults.totalTimeoutMs().getAsInt(),
                defaults.retryCount()};
        PolicyKey[] numericKeys = {PolicyKey.CT, PolicyKey.RT, PolicyKey.TT, PolicyKey.RC};
        for (int i = 0; i < numericKeys.length; i++) {
            String text = values.get(numericKeys[i]);
            if (text != null) {
                PolicyError error = checkInteger(numericKeys[i], text);
                if (error != null) {
                    return ParseResult.rejected(error);
                }
                numbers[i] = Integer.parseInt(text);
            }
        }
        Set<FailureClass> retryOn = defaults.retryOn();
        String rp = values.get(PolicyKey.RP);
        if (rp != null) {
            ParseResult<Set<FailureClass>> parsed = parseRetryPolicy(rp);
            if (parsed instanceof ParseResult.Rejected<Set<FailureClass>> rejected) {
                return ParseResult.rejected(rejected.error());
            }
            retryOn = parsed.orElseThrow();
        }
        EdgeRegion edgeRegion = defaults.edgeRegion();
        String er = values.get(PolicyKey.ER);
        if (er != null) {
            Optional<EdgeRegion> parsed = EdgeRegion.fromWireName(er);
            if (parsed.isEmpty()) {
                String shown = HttpUrlParser.abbreviate(er);
                return ParseResult.rejected(new PolicyError("er", shown, PolicyKey.ER.allowed(),
                        "er=" + shown + " is not an edge region: allowed are " + PolicyKey.ER.allowed()));
            }
            edgeRegion = parsed.get();
        }
        return ParseResult.accepted(new CallbackPolicy(
                numbers[0], numbers[1], OptionalInt.of(numbers[2]), numbers[3], retryOn, edgeRegion));
    }

    /** Digits only (no sign, no spaces), within the key's range. */
    private static PolicyError checkInteger(PolicyKey key, String text) {
        String shown = HttpUrlParser.abbreviate(text);
        boolean digits = !text.isEmpty();
        for (int i = 0; i < text.length() && digits; i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        if (!digits) {
            return new PolicyError(key.key(), shown, key.allowed(),
                    key.key() + "=" + shown + " is not an integer: allowed is " + key.allowed()
                            + " (" + key.meaning() + ")");
        }
        int firstSignificant = 0;
        while (firstSignificant < text.length() - 1 && text.charAt(firstSignificant) == '0') {
            firstSignificant++;
        }
        String significant = text.substring(firstSignificant);
        boolean inRange = significant.length() <= 9
                && Integer.parseInt(significant) >= key.min() && Integer.parseInt(significant) <= key.max();
        if (!inRange) {
            return new PolicyError(key.key(), shown, key.allowed(),
                    key.key() + "=" + shown + " is out of range: allowed is " + key.allowed()
                            + " (" + key.meaning() + ")");
        }
        return null;
    }

    private static ParseResult<Set<FailureClass>> parseRetryPolicy(String rp) {
        String shown = HttpUrlParser.abbreviate(rp);
        Set<FailureClass> classes = EnumSet.noneOf(FailureClass.class);
        int start = 0;
        while (start <= rp.length()) {
            int end = rp.indexOf(',', start);
            if (end < 0) {
                end = rp.length();
            }
            String word = rp.substring(start, end);
            if (word.equals("all")) {
                classes.addAll(FailureClass.RETRYABLE);
            } else {
                Optional<FailureClass> failureClass = FailureClass.fromWireName(word)
                        .filter(FailureClass::nameableInRetryPolicy);
                if (failureClass.isEmpty()) {
                    String what = word.isEmpty() ? "an empty item" : "'" + HttpUrlParser.abbreviate(word) + "'";
                    return ParseResult.rejected(new PolicyError("rp", shown, PolicyKey.RP.allowed(),
                            "rp=" + shown + " has " + what + ": allowed is " + PolicyKey.RP.allowed()));
                }
                classes.add(failureClass.get());
            }
            start = end + 1;
        }
        return ParseResult.accepted(classes);
    }
}
