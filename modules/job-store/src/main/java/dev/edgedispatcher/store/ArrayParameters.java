package dev.edgedispatcher.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collection;

/**
 * Text and timestamp arrays for the store's set-based statements: a batch of thousands of rows
 * travels as one array parameter per column (docs/job-store.md, "Writing a batch").
 *
 * <p>Text goes to the JDBC driver as a typed {@code String[]}, which it encodes with its text-array
 * encoder; given an {@code Object[]} it wrote each element as text a character at a time. Timestamps
 * are written here as a PostgreSQL array literal of UTC instants and sent untyped, so the statement
 * must cast the parameter ({@code ?::timestamptz[]}): the driver wrote each as
 * {@code Timestamp.toString()}, a local time of the JVM's zone without an offset, ambiguous in the
 * hour that repeats when daylight saving time ends, and slower. {@code ArrayParametersTest} reads
 * both back from a real server: NULL, empty, quoted, back-slashed, brace and comma, the word NULL,
 * non-ASCII text and JSON; instants in the repeated hour with the JVM and the session in different
 * zones, and finer than a millisecond.
 */
final class ArrayParameters {

    /** "2026-12-08T03:00:00.123Z". */
    private static final int INSTANT_LENGTH = 24;
    private static final long FIRST_YEAR_1000_MS = -30_610_224_000_000L;
    private static final long FIRST_YEAR_10000_MS = 253_402_300_800_000L;

    private ArrayParameters() {
    }

    /** A text array ({@code ?::text[]} or {@code ?::jsonb[]} in the SQL) of {@code values}, as a typed {@code String[]}. */
    static Array text(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(new String[0]));
    }

    /** Sets parameter {@code index} (cast to {@code timestamptz[]} in the SQL) to {@code values}. */
    static void timestamps(PreparedStatement statement, int index, Collection<Timestamp> values) throws SQLException {
        statement.setObject(index, timestampLiteral(values), Types.OTHER);
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
            } else if (value.getTime() >= FIRST_YEAR_1000_MS && value.getTime() < FIRST_YEAR_10000_MS
                    && value.getNanos() % 1_000_000 == 0) {
                literal.append(instant, 0, putInstant(instant, value.getTime()));
            } else {
                literal.append(value.toInstant()); // finer than milliseconds, or beyond four-digit years: java.time's text
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
}
