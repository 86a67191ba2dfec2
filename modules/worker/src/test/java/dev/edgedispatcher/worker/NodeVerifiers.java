package dev.edgedispatcher.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The official signature validators, run with Node.js: Plivo's SDK and the Standard Webhooks
 * library, installed from the npm registry at pinned versions on first use into a cache directory.
 */
final class NodeVerifiers {

    static final String PACKAGES = "plivo@4.79.0 standardwebhooks@1.1.1";

    private NodeVerifiers() {
    }

    static Path directory() throws IOException, InterruptedException {
        String cache = System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache");
        Path dir = Path.of(cache, "edge-dispatcher", "node-verifiers", "plivo-4.79.0-standardwebhooks-1.1.1");
        if (!Files.isDirectory(dir.resolve("node_modules/plivo")) || !Files.isDirectory(dir.resolve("node_modules/standardwebhooks"))) {
            Files.createDirectories(dir);
            run(dir, "npm install --silent --no-audit --no-fund --prefix " + dir + " " + PACKAGES);
        }
        return dir;
    }

    /** Runs the verification script on a cases file and returns its JSON output. */
    static String verify(Path casesFile) throws IOException, InterruptedException {
        Path dir = directory();
        Path script = dir.resolve("verify-signatures.js");
        try (var in = NodeVerifiers.class.getResourceAsStream("/node/verify-signatures.js")) {
            Files.write(script, in.readAllBytes());
        }
        return run(dir, "node " + script + " " + casesFile);
    }

    private static String run(Path dir, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("'" + command + "' failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8).trim();
    }
}
