package dev.edgedispatcher.worker.delivery;

import dev.edgedispatcher.callback.HttpUrl;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is sent to one URL, the same on every attempt: method, the URL as requested (with GET params
 * in its query), the body and its content type, and the form params the Plivo signature covers.
 */
public record OutgoingRequest(String method, HttpUrl url, byte[] body, Optional<String> contentType,
        Map<String, String> signedFormParams) {

    public OutgoingRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
        signedFormParams = Map.copyOf(signedFormParams);
    }

    /** Path and query as they go on the request line ({@code /} when the URL has no path). */
    public String requestTarget() {
        String text = url.text();
        int authorityStart = text.indexOf("://") + 3;
        int pathStart = authorityStart;
        while (pathStart < text.length() && text.charAt(pathStart) != '/' && text.charAt(pathStart) != '?') {
            pathStart++;
        }
        String target = text.substring(pathStart);
        if (target.isEmpty()) {
            return "/";
        }
        return target.startsWith("?") ? "/" + target : target;
    }
}
