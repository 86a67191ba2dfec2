package dev.edgedispatcher.worker.sign;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plivo's V3 webhook signature ({@code X-Plivo-Signature-V3} with {@code X-Plivo-Signature-V3-Nonce}),
 * computed the way Plivo's SDK validators ({@code validateV3Signature}) recompute it:
 * HMAC-SHA256(auth token, base URL + "." + nonce), base64. The base URL is
 * {@code scheme://host[:port]path}, then {@code ?} and the query's decoded {@code k=v} pairs sorted
 * by key and value; for POST, form params follow as sorted {@code kv} concatenations (after a
 * {@code .} when the URL had a query).
 */
public final class PlivoV3Signature {

    /**
     * One generator per thread: the shared default one (NativePRNG) takes a lock and mixes in
     * /dev/urandom on every draw, 5% of an event loop's samples in the pipeline profile. DRBG is
     * seeded from the system's entropy once per thread.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    });

    private PlivoV3Signature() {
    }

    /** A fresh 20-digit nonce. */
    public static String newNonce() {
        // One draw per nonce, not one per digit.
        SecureRandom generator = RANDOM.get();
        byte[] random = new byte[32];
        char[] digits = new char[20];
        int filled = 0;
        while (filled < digits.length) {
            generator.nextBytes(random);
            for (int i = 0; i < random.length && filled < digits.length; i++) {
                int value = random[i] & 0xff;
                if (value < 250) { // 250 = 25 * 10: no digit more likely than another
                    digits[filled++] = (char) ('0' + value % 10);
                }
            }
        }
        return new String(digits);
    }

    /**
     * @param method GET or POST
     * @param url the URL exactly as requested (for GET, with the params already in its query)
     * @param formParams the form-encoded POST params (empty for GET and for raw bodies)
     */
    public static String sign(String method, String url, Map<String, String> formParams, String nonce, String authToken) {
        String base = baseUrl(method, url, formParams);
        try {
            Mac mac = HmacSha256.forThisThread();
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((base + "." + nonce).getBytes(StandardCharsets.UTF_8)));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HMAC-SHA256 key was refused", e);
        }
    }

    static String baseUrl(String method, String url, Map<String, String> formParams) {
        int schemeEnd = url.indexOf("://");
        int authorityStart = schemeEnd + 3;
        int pathStart = authorityStart;
        while (pathStart < url.length() && url.charAt(pathStart) != '/' && url.charAt(pathStart) != '?') {
            pathStart++;
        }
        int queryStart = url.indexOf('?', pathStart);
        String origin = url.substring(0, pathStart);
        String path = (queryStart < 0 ? url.substring(pathStart) : url.substring(pathStart, queryStart)).trim();
        String query = queryStart < 0 ? "" : url.substring(queryStart + 1);
        String sortedQuery = sortedQuery(query);
        StringBuilder base = new StringBuilder(origin).append(path);
        if (method.equals("GET")) {
            if (!sortedQuery.isEmpty()) {
                base.append('?').append(sortedQuery);
            }
            return base.toString();
        }
        boolean hasParams = !formParams.isEmpty();
        if (!sortedQuery.isEmpty() || hasParams) {
            base.append('?').append(sortedQuery);
        }
        if (!sortedQuery.isEmpty() && hasParams) {
            base.append('.');
        }
        new TreeMap<>(formParams).forEach((key, value) -> base.append(key).append(value));
        return base.toString();
    }

    /** Node's querystring.parse, then keys sorted and each key's values sorted, {@code k=v} joined by {@code &}. */
    private static String sortedQuery(String query) {
        TreeMap<String, List<String>> values = new TreeMap<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = unescape(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : unescape(pair.substring(equals + 1));
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        List<String> parts = new ArrayList<>();
        values.forEach((key, list) -> {
            list.sort(null);
            list.forEach(value -> parts.add(key + "=" + value));
        });
        return String.join("&", parts);
    }

    /** Node's querystring.unescape: '+' is a space, valid %XX sequences are decoded as UTF-8, others kept. */
    private static String unescape(String text) {
        String spaced = text.replace('+', ' ');
        if (spaced.indexOf('%') < 0) {
            return spaced;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < spaced.length(); i++) {
            char c = spaced.charAt(i);
            if (c == '%' && i + 2 < spaced.length() && Character.digit(spaced.charAt(i + 1), 16) >= 0
                    && Character.digit(spaced.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(spaced.charAt(i + 1), 16) << 4 | Character.digit(spaced.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
