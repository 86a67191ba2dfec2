package dev.edgedispatcher.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * CPU split by thread group from a JFR recording: the share of {@code jdk.ExecutionSample} events
 * (threads found running Java code, sampled every 10 ms with {@code settings=profile}) per group.
 * Threads in native code (epoll, socket writes, fsync) are not in these samples; the process's total
 * CPU time is measured separately.
 */
final class CpuSplit {

    private CpuSplit() {
    }

    /** The group of a thread, from the names Kafka, Vert.x and this project give their threads. */
    static String group(String thread) {
        if (thread.startsWith("kafka-producer-network-thread")) {
            return thread.contains("scheduler") ? "intake: producer I/O" : "workers: results producer I/O";
        }
        if (thread.contains("job-store-sink")) {
            return "store sink";
        }
        if (thread.startsWith("region-worker-")) {
            return "workers: region consumers";
        }
        if (thread.startsWith("vert.x-eventloop")) {
            return "vert.x event loops (scheduler HTTP + worker deliveries)";
        }
        if (thread.startsWith("kafka-send-")) {
            return "Kafka send hand-off (scheduler, workers)";
        }
        if (thread.contains("intake")) {
            return "intake: Kafka intake";
        }
        if (thread.startsWith("data-plane") || thread.startsWith("kafka-") || thread.contains("raft")
                || thread.startsWith("ReplicaFetcher") || thread.contains("broker") || thread.startsWith("quorum")
                || thread.contains("log-cleaner") || thread.startsWith("ExpirationReaper")
                || thread.contains("kafka-request-handler") || thread.startsWith("controller")) {
            return "broker";
        }
        if (thread.startsWith("GC") || thread.startsWith("C1") || thread.startsWith("C2") || thread.contains("JFR")) {
            return "JVM (GC, JIT, JFR)";
        }
        return "other";
    }

    static void print(Path recording) throws IOException {
        print(recording, java.time.Instant.MIN);
    }

    /** As {@link #print(Path)}, counting only the samples taken at or after {@code from}. */
    static void print(Path recording, java.time.Instant from) throws IOException {
        Map<String, Integer> byGroup = new TreeMap<>();
        Map<String, Integer> byThread = new TreeMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStartTime().isBefore(from)) {
                continue;
            }
            RecordedThread thread = event.getThread("sampledThread");
            String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            String normalised = name.replaceAll("\\d+", "N");
            byGroup.merge(group(name), 1, Integer::sum);
            byThread.merge(normalised, 1, Integer::sum);
            total++;
        }
        System.out.printf("  CPU split by thread group (JFR execution samples, %,d samples):%n", total);
        print(byGroup, total, 20);
        System.out.println("  top threads (digits folded):");
        print(byThread, total, 15);
    }

    private static void print(Map<String, Integer> counts, int total, int limit) {
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        sorted.forEach((name, count) -> System.out.printf("    %5.1f%%  %s%n", 100.0 * count / Math.max(1, total), name));
    }
}
