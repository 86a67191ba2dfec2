package dev.edgedispatcher.scheduler.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobState;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.store.JobQuery;
import dev.edgedispatcher.store.ListCursor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the job filters shared by {@code GET /v1/jobs} (query parameters) and
 * {@code POST /v1/jobs:redrive} (body fields): either a checked {@link Parsed} or the 400 document
 * naming the field, the value and what is allowed. Unknown names are refused too (a typo such as
 * {@code status=} would otherwise list everything).
 */
final class JobFilters {

    static final List<String> STATES = JobState.wireNames();
    static final List<String> FINAL_STATES = JobState.finalWireNames();
    static final List<String> OUTCOMES = List.of("ok", "ct", "rt", "4xx", "5xx", "3xx", "partial");
    static final Set<String> FILTERS = Set.of("state", "region", "account", "host", "outcome", "since", "until");

    /** Checked filters, limit and cursor. */
    record Parsed(JobQuery query, int limit, Optional<ListCursor> cursor) {
    }

    /** Either {@code parsed} or {@code error} is present. */
    record Result(Optional<Parsed> parsed, Optional<ObjectNode> error) {
        static Result ok(Parsed parsed) {
            return new Result(Optional.of(parsed), Optional.empty());
        }

        static Result refused(String field, String detail) {
            return new Result(Optional.empty(), Optional.of(JsonReplies.error("invalid_filter", field, detail)));
        }
    }

    private JobFilters() {
    }

    /**
     * @param values       the given names and their text values
     * @param extraNames   names the caller reads itself (such as {@code dry_run}); allowed here
     * @param states       the states that may be asked for
     * @param defaultLimit the limit when none is given
     * @param maxLimit     the largest limit allowed
     * @param withCursor   whether {@code cursor} is a known name
     */
    static Result parse(Map<String, String> values, Set<String> extraNames, List<String> states, int defaultLimit,
            int maxLimit, boolean withCursor) {
        for (String name : values.keySet()) {
            if (!FILTERS.contains(name) && !extraNames.contains(name) && !name.equals("limit")
                    && !(withCursor && name.equals("cursor"))) {
                return Result.refused(name, "unknown filter '" + name + "': use " + String.join(", ",
                        known(extraNames, withCursor)));
            }
        }
        JobQuery query = JobQuery.all();
        String state = values.get("state");
        if (state != null) {
            Optional<JobState> known = JobState.fromWire(state).filter(s -> states.contains(s.wireName()));
            if (known.isEmpty()) {
                return Result.refused("state", "state '" + state + "' is not allowed: use one of " + String.join(", ", states));
            }
            query = query.withState(known.get());
        }
        String region = values.get("region");
        if (region != null) {
            Optional<Region> known = Region.fromWireName(region);
            if (known.isEmpty()) {
                return Result.refused("region", "region '" + region + "' is not allowed: use one of "
                        + Region.allWireNames());
            }
            query = query.withRegion(known.get());
        }
        String account = values.get("account");
        if (account != null) {
            if (account.isBlank()) {
                return Result.refused("account", "account '' is not allowed: name an account, or leave the filter out");
            }
            query = query.forAccount(account);
        }
        String host = values.get("host");
        if (host != null) {
            host = host.toLowerCase(Locale.ROOT);
            if (host.isBlank() || host.contains("/")) {
                return Result.refused("host", "host '" + host + "' is not allowed: give a host name or IP address"
                        + " as in the URL, without scheme, port or path (example.com)");
            }
            query = query.withHost(host);
        }
        String outcome = values.get("outcome");
        if (outcome != null) {
            if (!OUTCOMES.contains(outcome)) {
                return Result.refused("outcome", "outcome '" + outcome + "' is not allowed: use one of "
                        + String.join(", ", OUTCOMES) + " (the outcome of the job's last attempt)");
            }
            query = query.withOutcome(outcome);
        }
        try {
            Optional<Instant> since = time(values, "since");
            Optional<Instant> until = time(values, "until");
            query = since.isPresent() ? query.acceptedFrom(since.get()) : query;
            query = until.isPresent() ? query.acceptedBefore(until.get()) : query;
        } catch (IllegalArgumentException e) {
            String field = e.getMessage();
            return Result.refused(field, field + " '" + values.get(field) + "' is not allowed: use an ISO-8601 instant"
                    + " (2026-12-01T10:00:00Z) or epoch milliseconds");
        }
        int limit = defaultLimit;
        String limitText = values.get("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > maxLimit) {
                return Result.refused("limit", "limit '" + limitText + "' is not allowed: use an integer from 1 to " + maxLimit);
            }
        }
        Optional<ListCursor> cursor = Optional.empty();
        String cursorText = withCursor ? values.get("cursor") : null;
        if (cursorText != null) {
            cursor = ListCursor.decode(cursorText);
            if (cursor.isEmpty()) {
                return Result.refused("cursor", "cursor '" + cursorText + "' is not allowed: pass the next_cursor of the"
                        + " previous page unchanged");
            }
        }
        return Result.ok(new Parsed(query, limit, cursor));
    }

    private static List<String> known(Set<String> extraNames, boolean withCursor) {
        List<String> names = new java.util.ArrayList<>(List.of("state", "region", "account", "host", "outcome", "since",
                "until", "limit"));
        if (withCursor) {
            names.add("cursor");
        }
        names.addAll(new java.util.TreeSet<>(extraNames));
        return names;
    }

    /** Epoch milliseconds of an ISO-8601 instant or of digits; throws with the field's name. */
    private static Optional<Instant> time(Map<String, String> values, String field) {
        String text = values.get(field);
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(text)));
            }
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(field);
        }
    }
}
