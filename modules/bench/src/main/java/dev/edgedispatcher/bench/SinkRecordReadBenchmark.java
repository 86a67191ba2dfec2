package dev.edgedispatcher.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgedispatcher.backbone.JobRecord;
import dev.edgedispatcher.backbone.RecordJson;
import dev.edgedispatcher.store.AcceptedJob;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the job store's sink spends to turn one region record into the fields of its row
 * (docs/job-store.md, "Reading a record"): {@code wholeJob} is how it read until issue 19 (the
 * record parsed as a {@code JobRecord}, its resolution and policy written out again as text),
 * {@code keptFields} the one-pass read of the eight kept fields. The record is one the scheduler
 * publishes for a Plivo answer callback: a dozen params, a nearest-region resolution, a policy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SinkRecordReadBenchmark {

    private static final String TOPIC = "webhooks.region.frankfurt";
    private final byte[] record = typicalRecord();

    private static byte[] typicalRecord() {
        Map<String, String> params = new LinkedHashMap<>();
        String[][] plivo = {{"CallUUID", "b7a8c9d0-1e2f-4a3b-8c4d-5e6f7a8b9c0d"}, {"From", "14155550100"}, {"To", "4930901820"},
            {"CallStatus", "in-progress"}, {"Direction", "inbound"}, {"Event", "StartApp"}, {"CallerName", "+14155550100"},
            {"BillRate", "0.0085"}, {"ALegUUID", "b7a8c9d0-1e2f-4a3b-8c4d-5e6f7a8b9c0d"}, {"ALegRequestUUID", "9f8e7d6c"},
            {"SessionStart", "2026-12-08 03:00:00.123456"}, {"STIRVerification", "Not Applicable"}};
        for (String[] param : plivo) {
            params.put(param[0], param[1]);
        }
        ObjectNode resolution = JsonNodeFactory.instance.objectNode().put("rule", "nearest").put("host", "hooks.example.de")
                .put("ip", "203.0.113.7");
        resolution.putObject("location").put("lat", 50.1109).put("lon", 8.6821).put("city", "Frankfurt am Main")
                .put("country", "DE");
        resolution.put("distance_km", 12.4).put("reason", "nearest region to the destination's location");
        ObjectNode policy = JsonNodeFactory.instance.objectNode().put("ct", 2000).put("rt", 3000).put("tt", 10000).put("rc", 3);
        policy.putArray("rp").add("ct").add("rt").add("5xx");
        policy.put("er", "nearest");
        return RecordJson.write(JobRecord.builder("0b9c2e4a-7d1f-4c3e-9a8b-6f5e4d3c2b1a",
                "https://hooks.example.de/plivo/answer?tenant=42#ct=2000&rt=3000&tt=10000&rc=3&rp=ct,rt,5xx&er=nearest",
                "frankfurt").account("acme").params(params).resolution(resolution).policy(policy)
                .submittedAt(Instant.parse("2026-12-08T03:00:00.123Z")).build());
    }

    @Benchmark
    public AcceptedJob wholeJob() throws IOException {
        return AcceptedJob.of(RecordJson.read(record, JobRecord.class), TOPIC, 0, 42);
    }

    @Benchmark
    public AcceptedJob keptFields() throws IOException {
        return AcceptedJob.read(record, TOPIC, 0, 42);
    }
}
