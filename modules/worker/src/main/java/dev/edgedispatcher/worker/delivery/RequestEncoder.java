package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.callback.HttpUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Encodes a job's params for one URL (docs/callbacks.md, "Delivery semantics"): POST sends them
 * form-encoded, or sends the raw body with its content type (extra params such as a fallback's
 * ErrorCode then go in the query); GET appends them to the query. The URL's own query is kept byte
 * for byte.
 */
public final class RequestEncoder {

    public static final String FORM = "application/x-www-form-urlencoded";

    private RequestEncoder() {
    }

    public static OutgoingRequest encode(String method, HttpUrl url, Map<String, String> params, Map<String, String> extra,
            Optional<String> rawBody, Optional<String> rawContentType) {
        Map<String, String> all = new LinkedHashMap<>(params);
        all.putAll(extra);
        if (method.equals("GET")) {
            return new OutgoingRequest("GET", withQuery(url, all), new byte[0], Optional.empty(), Map.of());
        }
        if (rawBody.isPresent()) {
            return new OutgoingRequest("POST", withQuery(url, extra), rawBody.get().getBytes(StandardCharsets.UTF_8),
                    Optional.of(rawContentType.orElse("text/plain; charset=utf-8")), Map.of());
        }
        return new OutgoingRequest("POST", url, formEncode(all).getBytes(StandardCharsets.UTF_8), Optional.of(FORM), all);
    }

    static String formEncode(Map<String, String> params) {
        StringJoiner joined = new StringJoiner("&");
        params.forEach((key, value) -> joined.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    private static HttpUrl withQuery(HttpUrl url, Map<String, String> params) {
        if (params.isEmpty()) {
            return url;
        }
        String text = url.text();
        String separator = text.indexOf('?') < 0 ? "?" : (text.endsWith("?") || text.endsWith("&") ? "" : "&");
        return new HttpUrl(text + separator + formEncode(params), url.scheme(), url.host(), url.port());
    }
}
