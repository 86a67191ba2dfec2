package dev.edgedispatcher.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own ({@link WorkerProcessMain}), so that a test can kill it for real. Its
 * output is read on a thread of its own, so a chatty worker never blocks on a full pipe.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    /** Starts a worker of {@code region} and returns once it says it started (60 s at most). */
    static WorkerProcess start(String bootstrap, String region) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerProcessMain.class.getName(), bootstrap, region)
                .redirectErrorStream(true).start();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.contains("worker started")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "worker-process-output");
        reader.setDaemon(true);
        reader.start();
        if (!started.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the worker process did not start within 60 s");
        }
        return new WorkerProcess(process);
    }

    /** SIGKILL: no commit, no goodbye. Returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the worker process did not die within 10 s of SIGKILL");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
