package dev.edgedispatcher.callback;

import java.util.Objects;
import java.util.function.Function;

/** A parsed value or the {@link PolicyError} that explains why there is none. Never null. */
public sealed interface ParseResult<T> {

    record Accepted<T>(T value) implements ParseResult<T> {
        public Accepted {
            Objects.requireNonNull(value, "value");
        }
    }

    record Rejected<T>(PolicyError error) implements ParseResult<T> {
        public Rejected {
            Objects.requireNonNull(error, "error");
        }
    }

    static <T> ParseResult<T> accepted(T value) {
        return new Accepted<>(value);
    }

    static <T> ParseResult<T> rejected(PolicyError error) {
        return new Rejected<>(error);
    }

    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** The value; throws {@link IllegalStateException} naming the error when there is none. */
    default T orElseThrow() {
        if (this instanceof Accepted<T> accepted) {
            return accepted.value();
        }
        throw new IllegalStateException(((Rejected<T>) this).error().detail());
    }

    default <R> ParseResult<R> map(Function<? super T, ? extends R> mapper) {
        if (this instanceof Accepted<T> accepted) {
            return accepted(mapper.apply(accepted.value()));
        }
        return rejected(((Rejected<T>) this).error());
    }
}
