package dev.edgedispatcher.callback;

import java.util.Objects;

/**
 * An absolute http(s) URL as it will be requested: the original text byte for byte (query
 * untouched), with scheme, host and port read out of it.
 *
 * @param text the URL without its fragment, exactly as submitted
 * @param host the host, without brackets for IPv6 literals, lower-cased
 */
public record HttpUrl(String text, String scheme, String host, int port) {

    public HttpUrl {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
    }

    public boolean isHttps() {
        return scheme.equals("https");
    }

    @Override
    public String toString() {
        return text;
    }
}
