package dev.edgedispatcher.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a listing page ended: the accept time and id of its last job, opaque to clients (base64url
 * of {@code v1:<ms>:<id>}). The next page starts strictly after it in the newest-first order, so
 * jobs accepted meanwhile (newer, so before it) never shift a page, and a last job dropped past the
 * retention does not lose the place.
 */
public record ListCursor(long submittedAtMs, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:" + submittedAtMs + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or empty when {@code text} is not one this class wrote. */
    public static Optional<ListCursor> decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            if (!plain.startsWith("v1:")) {
                return Optional.empty();
            }
            int colon = plain.indexOf(':', 3);
            if (colon < 0 || colon == plain.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new ListCursor(Long.parseLong(plain.substring(3, colon)), plain.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
