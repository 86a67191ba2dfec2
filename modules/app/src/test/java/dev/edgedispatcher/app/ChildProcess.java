package dev.edgedispatcher.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code dispatcher} command in a JVM of its own (the test classpath), so that a test can kill it
 * for real: {@link #kill9()} is SIGKILL, no shutdown hook runs. Its output (stdout and stderr) is
 * kept in a log file and in memory, for {@link #awaitLine} and for failure messages.
 */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.pump = new Thread(() -> pump(log), "output-" + name);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Starts {@code dispatcher args...} with at most {@code maxHeapMb} of heap; output goes to {@code log}. */
    static ChildProcess dispatcher(String name, Path log, int maxHeapMb, String... args) throws IOException {
        return dispatcher(name, log, maxHeapMb, java.util.Map.of("DISPATCHER_AUTH_TOKEN", "fault-test-token"), args);
    }

    /** As above, with these environment variables (an empty value removes the variable). */
    static ChildProcess dispatcher(String name, Path log, int maxHeapMb, java.util.Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeapMb + "m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Dispatcher.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("DISPATCHER_AUTH_TOKEN");
        env.forEach((key, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        return new ChildProcess(name, builder.start(), log);
    }

    private void pump(Path log) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = out.readLine()) != null) {
                file.println(line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Waits for a line of output that starts with {@code prefix} (printed since start), and returns it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive() && !pump.isAlive()) {
                    throw new AssertionError(name + " printed no line starting with \"" + prefix + "\" within " + timeout
                            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; its output ends:\n"
                            + tail());
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to exit; its exit code, or empty while it still runs. */
    java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return java.util.OptionalInt.empty();
        }
        pump.join(5000); // the last lines it printed
        return java.util.OptionalInt.of(process.exitValue());
    }

    /** Every line printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
        }
    }

    /** The last 60 lines of output. */
    String tail() {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }

    /** SIGTERM (a clean stop), SIGKILL if it has not stopped within 15 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        // Through the handle: Process.destroy() also closes our end of its stdout, so the lines it
        // prints while stopping would be lost (and its writes would fail).
        process.toHandle().destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
