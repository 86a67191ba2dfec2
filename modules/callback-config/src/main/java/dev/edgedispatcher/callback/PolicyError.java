package dev.edgedispatcher.callback;

import java.util.Objects;

/**
 * Why a URL or its fragment was rejected: the field (a fragment key such as {@code ct}, or
 * {@code url}, {@code fragment}, {@code kind}), the offending value, what is allowed, and one
 * sentence that says all three.
 */
public record PolicyError(String field, String value, String allowed, String detail) {

    public PolicyError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(detail, "detail");
    }

    /** The same error seen from an enclosing field, e.g. {@code fallback_url#ct}. */
    public PolicyError within(String enclosingField) {
        String qualified = field.equals("url") ? enclosingField : enclosingField + "#" + field;
        return new PolicyError(qualified, value, allowed, enclosingField + ": " + detail);
    }

    @Override
    public String toString() {
        return detail;
    }
}
