package dev.edgedispatcher.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresExtension;
import dev.edgedispatcher.embeddedpostgres.StoreCredentials;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Array parameters written as literals reach a real PostgreSQL as the values they were. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ArrayParametersTest {

    @Test
    void textArraysArriveAsTheyWere() throws Exception {
        List<String> values = Arrays.asList(null, "", "plain", "a\"quote", "back\\slash", "\\\"both\\\"", "NULL", "null",
                "{brace,comma}", " spaced ", "tab\tand\nnewline", "é日本🙂", "{\"json\":[1,\"x\\\"y\"]}");
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT v FROM unnest(?::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n")) {
            s.setArray(1, ArrayParameters.text(c, values));
            assertThat(column(s)).containsExactlyElementsOf(values);
        }
    }

    @Test
    void jsonArraysArriveAsTheSameDocuments() throws Exception {
        List<String> documents = Arrays.asList("{\"ct\":2000,\"rp\":[\"ct\",\"5xx\"],\"note\":\"a \\\"b\\\" \\\\ c\"}", null,
                "\"text\"");
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT v::text FROM unnest(?::jsonb[]) WITH ORDINALITY AS t(v, n) ORDER BY n")) {
            s.setArray(1, ArrayParameters.text(c, documents));
            assertThat(column(s)).containsExactly("{\"ct\": 2000, \"rp\": [\"ct\", \"5xx\"], \"note\": \"a \\\"b\\\" \\\\ c\"}",
                    null, "\"text\"");
        }
    }

    @Test
    void timestampsArriveAsTheSameInstantsWhateverTheZones() throws Exception {
        List<Timestamp> values = new ArrayList<>();
        for (String at : new String[] {"2026-10-25T00:30:00.001Z", "2026-10-25T01:30:00.999Z", "2026-03-29T01:00:00Z",
            "1999-12-31T23:59:59.5Z", "2026-12-08T03:00:00.123Z"}) {
            values.add(Timestamp.from(Instant.parse(at)));
        }
        values.add(null);
        TimeZone jvmZone = TimeZone.getDefault();
        // A JVM zone with a repeated hour (the two October instants are both 02:30 in Berlin) and a
        // session zone of another: the instants must arrive whatever either says.
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (Connection c = connect(); Statement zone = c.createStatement(); PreparedStatement s = c.prepareStatement(
                "SELECT (extract(epoch FROM v) * 1000)::bigint FROM unnest(?::timestamptz[]) WITH ORDINALITY AS t(v, n)"
                        + " ORDER BY n")) {
            zone.execute("SET TIME ZONE 'America/Los_Angeles'");
            ArrayParameters.timestamps(s, 1, values);
            List<Long> millis = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long value = r.getLong(1);
                    millis.add(r.wasNull() ? null : value);
                }
            }
            assertThat(millis).containsExactlyElementsOf(values.stream().map(t -> t == null ? null : t.getTime()).toList());
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }

    @Test
    void instantsAreWrittenAsJavaTimeReadsThem() {
        java.util.Random random = new java.util.Random(19);
        List<Timestamp> values = new ArrayList<>();
        long from = Instant.parse("1000-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
        for (long edge : new long[] {from, to - 1, 0, -1, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L}) {
            values.add(new Timestamp(edge));
        }
        for (int i = 0; i < 100_000; i++) {
            values.add(new Timestamp(from + (long) (random.nextDouble() * (to - from))));
        }
        values.add(Timestamp.from(Instant.parse("2026-12-08T03:00:00.123456Z"))); // finer than a millisecond: kept
        values.add(new Timestamp(from - 1)); // beyond four-digit years: java.time's own text
        values.add(new Timestamp(to));
        String literal = ArrayParameters.timestampLiteral(values);
        String[] elements = literal.substring(1, literal.length() - 1).split(",");
        assertThat(elements).hasSize(values.size());
        for (int i = 0; i < elements.length; i++) {
            assertThat(Instant.parse(elements[i])).as(elements[i]).isEqualTo(values.get(i).toInstant());
        }
        assertThat(elements[2]).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(elements[3]).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    private static Connection connect() throws Exception {
        StoreCredentials credentials = EmbeddedPostgresExtension.newDatabase();
        return DriverManager.getConnection(credentials.url(), credentials.user(), credentials.password());
    }

    private static List<String> column(PreparedStatement s) throws Exception {
        List<String> values = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }
}
