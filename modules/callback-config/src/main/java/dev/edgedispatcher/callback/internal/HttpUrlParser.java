package dev.edgedispatcher.callback.internal;

import dev.edgedispatcher.callback.HttpUrl;
import dev.edgedispatcher.callback.ParseResult;
import dev.edgedispatcher.callback.PolicyError;
import java.util.Locale;

/** Reads scheme, host and port out of an absolute http(s) URL without rewriting a byte of it. */
public final class HttpUrlParser {

    private static final String ALLOWED = "an absolute http:// or https:// URL with a host";

    private HttpUrlParser() {
    }

    public static ParseResult<HttpUrl> parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return reject(text, "url contains a space or control character at index " + i);
            }
        }
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0) {
            return reject(text, "url '" + abbreviate(text) + "' is not absolute: allowed is " + ALLOWED);
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return reject(text, "url scheme '" + scheme + "' is not supported: allowed is " + ALLOWED);
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < text.length() && text.charAt(authorityEnd) != '/' && text.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = text.substring(authorityStart, authorityEnd);
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String portText = null;
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            if (close < 0) {
                return reject(text, "url host '" + hostAndPort + "' has no closing ']'");
            }
            host = hostAndPort.substring(1, close);
            String rest = hostAndPort.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return reject(text, "url has unexpected text '" + rest + "' after the IPv6 host");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = hostAndPort.indexOf(':');
            host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
            portText = colon < 0 ? null : hostAndPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return reject(text, "url '" + abbreviate(text) + "' has no host: allowed is " + ALLOWED);
        }
        int port = scheme.equals("https") ? 443 : 80;
        if (portText != null && !portText.isEmpty()) {
            port = parsePort(portText);
            if (port < 0) {
                return reject(text, "url port '" + abbreviate(portText) + "' is not a number in 1–65535");
            }
        }
        return ParseResult.accepted(new HttpUrl(text, scheme, host.toLowerCase(Locale.ROOT), port));
    }

    private static int parsePort(String text) {
        if (text.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = Character.digit(text.charAt(i), 10);
            if (digit < 0) {
                return -1;
            }
            port = port * 10 + digit;
        }
        return port >= 1 && port <= 65_535 ? port : -1;
    }

    private static ParseResult<HttpUrl> reject(String text, String detail) {
        return ParseResult.rejected(new PolicyError("url", abbreviate(text), ALLOWED, detail));
    }

    /** Long hostile input is cut in messages so that an error never echoes 100 kB back. */
    public static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…(" + text.length() + " chars)";
    }
}
