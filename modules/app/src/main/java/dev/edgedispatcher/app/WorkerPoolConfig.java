package dev.edgedispatcher.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the worker pool of a data dir is configured, so that {@code dispatcher scale} starts workers
 * exactly like the pool they join (docs/operations.md): the {@code dispatcher worker} options every
 * member gets (allowed destinations, accounts file, Kafka settings, limits, event loops) and the
 * default account's auth token. Written by {@code up} (or the first {@code scale} of a data dir) to
 * {@code <data-dir>/workers/pool.json}, readable by its owner only (it holds a secret).
 */
record WorkerPoolConfig(List<String> workerArgs, String defaultAuthToken) {

    static final String FILE = "pool.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    WorkerPoolConfig {
        workerArgs = List.copyOf(workerArgs);
    }

    static Path file(Path dataDir) {
        return dataDir.resolve("workers").resolve(FILE);
    }

    static Optional<WorkerPoolConfig> read(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(file.toFile());
        List<String> args = new ArrayList<>();
        root.path("worker_args").forEach(arg -> args.add(arg.asText()));
        return Optional.of(new WorkerPoolConfig(args, root.path("default_auth_token").asText()));
    }

    void write(Path dataDir) throws IOException {
        Path file = file(dataDir);
        Files.createDirectories(file.getParent());
        ObjectNode root = JSON.createObjectNode();
        workerArgs.forEach(root.putArray("worker_args")::add);
        root.put("default_auth_token", defaultAuthToken);
        Path temp = Files.createTempFile(file.getParent(), "pool-", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
