package dev.edgedispatcher.store;

import dev.edgedispatcher.embeddedpostgres.EmbeddedPostgresServer;
import dev.edgedispatcher.embeddedpostgres.StoreCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the job store spends setting a batch's array parameters (docs/job-store.md, "Writing a
 * batch"): a sink batch of 5,000 jobs sets, among others, their ids (no character to escape), their
 * policies (JSON: quotes to escape) and their accept times. {@code driver*} is the JDBC driver's
 * {@code createArrayOf} given an {@code Object[]} (how the store set them until issue 19),
 * {@code driverTyped*} the same given a {@code String[]} (how {@link ArrayParameters} sets text now),
 * {@code literalTimes} the store's own timestamp literal. Setting a parameter sends nothing: the figures are the Java work per
 * batch, on a real connection to the embedded PostgreSQL. In the store's package (the class it
 * measures is package-private), in the bench module.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ArrayParameterBenchmark {

    private static final int BATCH = 5_000;
    private final List<String> ids = new ArrayList<>();
    private final List<String> policies = new ArrayList<>();
    private final List<Timestamp> times = new ArrayList<>();
    private Path dir;
    private EmbeddedPostgresServer postgres;
    private Connection connection;
    private PreparedStatement statement;

    @Setup(Level.Trial)
    public void start() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            ids.add(UUID.randomUUID().toString());
            policies.add("{\"ct\":2000,\"rt\":" + (1000 + i) + ",\"tt\":10000,\"rc\":3,\"rp\":[\"ct\",\"rt\",\"5xx\"],\"er\":\"nearest\"}");
            times.add(new Timestamp(now + i));
        }
        dir = Files.createTempDirectory("array-bench");
        postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), 0);
        StoreCredentials credentials = postgres.database("bench");
        connection = DriverManager.getConnection(credentials.url(), credentials.user(), credentials.password());
        statement = connection.prepareStatement("SELECT ?::text[], ?::jsonb[], ?::timestamptz[]");
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        statement.close();
        connection.close();
        postgres.close();
    }

    @Benchmark
    public PreparedStatement driverIds() throws Exception {
        statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
        return statement;
    }

    @Benchmark
    public PreparedStatement driverTypedIds() throws Exception {
        statement.setArray(1, connection.createArrayOf("text", ids.toArray(new String[0])));
        return statement;
    }

    @Benchmark
    public PreparedStatement driverTypedPolicies() throws Exception {
        statement.setArray(2, connection.createArrayOf("text", policies.toArray(new String[0])));
        return statement;
    }

    @Benchmark
    public PreparedStatement driverPolicies() throws Exception {
        statement.setArray(2, connection.createArrayOf("text", policies.toArray()));
        return statement;
    }

    @Benchmark
    public PreparedStatement driverTimes() throws Exception {
        statement.setArray(3, connection.createArrayOf("timestamptz", times.toArray()));
        return statement;
    }

    @Benchmark
    public PreparedStatement literalTimes() throws Exception {
        ArrayParameters.timestamps(statement, 3, times);
        return statement;
    }
}
