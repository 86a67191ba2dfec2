package dev.edgedispatcher.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
import java.util.Collection;

/**
 * Text and timestamp arrays for the store's set-based statements (a batch of thousands of rows in
 * one parameter), written as PostgreSQL array literals and sent untyped: the statement's own cast
 * ({@code ?::text[]}, {@code ?::timestamptz[]}, {@code ?::jsonb[]}) gives the type, so every
 * parameter set here must carry one.
 *
 * <p>Why not the driver's {@code createArrayOf}: it appends each element a character at a time,
 * and writes a timestamp as {@code Timestamp.toString()}, a local time of the JVM's zone without an
 * offset (an hour that repeats when daylight saving time ends is ambiguous). Here elements are
 * copied whole unless they hold {@code "} or {@code \}, and a timestamp is written as its UTC
 * instant (docs/job-store.md, "Writing a batch"). {@code ArrayParametersTest} sends NULL, empty,
 * quoted, back-slashed, brace and comma, the word NULL and non-ASCII text, JSON, and instants in
 * the repeated hour with the JVM and the session in different zones, and reads them back.
 */
final class ArrayParameters {

    /** "2026-12-08T03:00:00.123Z". */
    private static final int INSTANT_LENGTH = 24;
    private static final long FIRST_YEAR_1000_MS = -30_610_224_000_000L;
    private static final long FIRST_YEAR_10000_MS = 253_402_300_800_000L;

    private ArrayParameters() {
    }

    /** Sets parameter {@code index} (cast to {@code text[]} or {@code jsonb[]} in the SQL) to {@code values}. */
    static void text(PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setObject(index, textLiteral(values), Types.OTHER);
    }

    /** Sets parameter {@code index} (cast to {@code timestamptz[]} in the SQL) to {@code values}. */
    static void timestamps(PreparedStatement statement, int index, Collection<Timestamp> values) throws SQLException {
        statement.setObject(index, timestampLiteral(values), Types.OTHER);
    }

    /** {@code values} as an array literal: each element quoted, {@code "} and {@code \} escaped, null as NULL. */
    static String textLiteral(Collection<String> values) {
        // Each element with its quotes and comma, the braces, and room for the longest one escaped
        // whole: a literal without anything to escape is written without growing.
        int capacity = 2;
        int longest = 0;
        for (String value : values) {
            capacity += value == null ? 5 : value.length() + 3;
            longest = value == null ? longest : Math.max(longest, value.length());
        }
        char[] out = new char[capacity + longest + 4];
        int at = 0;
        out[at++] = '{';
        for (String value : values) {
            // Room for a comma, the element with every character escaped and its quotes, and the brace:
            // an element's escapes may have used what the first estimate left for the ones after it.
            int room = 2 + (value == null ? 4 : 2 * value.length() + 2);
            if (out.length - at < room) {
                out = Arrays.copyOf(out, Math.max(out.length + out.length / 2, at + room));
            }
            if (at > 1) {
                out[at++] = ',';
            }
            if (value == null) {
                at = put(out, at, "NULL");
                continue;
            }
            int length = value.length();
            out[at++] = '"';
            int start = at;
            value.getChars(0, length, out, start);
            at = start + length;
            for (int i = start; i < start + length; i++) {
                if (out[i] == '"' || out[i] == '\\') {
                    // Written again from the first character that needs a backslash.
                    at = escape(value, i - start, out, i);
                    break;
                }
            }
            out[at++] = '"';
        }
        out[at++] = '}';
        return new String(out, 0, at);
    }

    /** {@code value} from its character {@code from} on, escaped, into {@code out} at {@code at}; returns the end. */
    private static int escape(String value, int from, char[] out, int at) {
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out[at++] = '\\';
            }
            out[at++] = c;
        }
        return at;
    }

    /** {@code values} as an array literal of UTC instants, null as NULL. */
    static String timestampLiteral(Collection<Timestamp> values) {
        StringBuilder literal = new StringBuilder(values.size() * (INSTANT_LENGTH + 1) + 2).append('{');
        char[] instant = new char[INSTANT_LENGTH];
        for (Timestamp value : values) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            if (value == null) {
                literal.append("NULL");
            } else if (value.getTime() >= FIRST_YEAR_1000_MS && value.getTime() < FIRST_YEAR_10000_MS) {
                literal.append(instant, 0, putInstant(instant, value.getTime()));
            } else {
                literal.append(value.toInstant()); // beyond four-digit years: java.time's own text
            }
        }
        return literal.append('}').toString();
    }

    /**
     * {@code epochMs} (a year of four digits) as {@code yyyy-MM-ddTHH:mm:ss.SSSZ} into {@code out};
     * returns the length. The date from the day number by the civil calendar's eras of 400 years
     * (H. Hinnant, "chrono-compatible low-level date algorithms").
     */
    private static int putInstant(char[] out, long epochMs) {
        long day = Math.floorDiv(epochMs, 86_400_000L);
        int msOfDay = (int) Math.floorMod(epochMs, 86_400_000L);
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, dayOfMonth, 2);
        out[10] = 'T';
        digits(out, 11, msOfDay / 3_600_000, 2);
        out[13] = ':';
        digits(out, 14, msOfDay / 60_000 % 60, 2);
        out[16] = ':';
        digits(out, 17, msOfDay / 1000 % 60, 2);
        out[19] = '.';
        digits(out, 20, msOfDay % 1000, 3);
        out[23] = 'Z';
        return INSTANT_LENGTH;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int put(char[] out, int at, String text) {
        text.getChars(0, text.length(), out, at);
        return at + text.length();
    }
}
