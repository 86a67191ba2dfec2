package dev.edgedispatcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a PostgreSQL server so far, from /proc: the postmaster's own, its reaped children's
 * (backends that ended) and its live children's (backends, checkpointer, WAL writer, ...).
 */
final class PostgresCpu {

    private PostgresCpu() {
    }

    /** Milliseconds of CPU (user + system) of the server whose data directory is {@code data}. */
    static long millis(Path data) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        long[] own = stat(postmaster);
        long total = own[0] + own[1] + own[2] + own[3];
        for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(java.util.List.of())) {
            long[] times = stat(child.pid());
            total += times[0] + times[1];
        }
        return total * 10;
    }

    /** utime, stime, cutime, cstime in clock ticks (10 ms); zeros for a process that is gone. */
    private static long[] stat(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                    Long.parseLong(fields[14])};
        } catch (java.nio.file.NoSuchFileException e) {
            return new long[4];
        }
    }
}
