package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.KafkaConnection;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.worker.WorkerConfig;
import dev.edgedispatcher.worker.delivery.Cidr;
import dev.edgedispatcher.worker.delivery.ConnectionLimits;
import dev.edgedispatcher.worker.sign.Accounts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Options of the commands that run workers. */
final class WorkerOptions {

    @Option(names = "--allow-destination", paramLabel = "CIDR",
            description = "Let workers call this network although it is private/loopback/link-local (repeatable).")
    List<String> allowDestinations = new ArrayList<>();

    @Option(names = "--accounts", paramLabel = "FILE",
            description = "Accounts JSON: {\"<account>\": {\"auth_token\": \"..\", \"webhook_secret\": \"whsec_..\"}}.")
    Path accountsFile;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "20000",
            description = "Jobs per region read but not finished before partitions are paused (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-connections-per-destination", paramLabel = "N", defaultValue = "256",
            description = "Concurrent attempts any one host:port may hold (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerDestination;

    @Option(names = "--retry-backoff-ms", paramLabel = "MS", defaultValue = "0",
            description = "Mean jittered wait before a retry; 0 retries at once (default: ${DEFAULT-VALUE}).")
    long retryBackoffMs;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "4096",
            description = "Open connections to destinations per process, idle ones included; past it the least recently "
                    + "used idle one is closed, or jobs wait against their tt (default: ${DEFAULT-VALUE}). Deliveries "
                    + "running at once are capped at this too.")
    int maxConnections;

    @Option(names = "--max-connecting", paramLabel = "N", defaultValue = "512",
            description = "Connects in progress at once per process; ct starts when a connect starts (default: ${DEFAULT-VALUE}).")
    int maxConnecting;

    @Option(names = "--connection-idle-timeout-ms", paramLabel = "MS", defaultValue = "4000",
            description = "An idle connection is closed after this long (default: ${DEFAULT-VALUE}).")
    long connectionIdleTimeoutMs;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Event loops deliveries are spread over (default: one per core).")
    Integer eventLoops;

    /** The default account's token, once {@link #accounts} chose it. */
    String defaultToken;

    /** The default account's token: $DISPATCHER_AUTH_TOKEN, or generated and printed. */
    Accounts accounts(PrintWriter out) throws IOException {
        String token = System.getenv("DISPATCHER_AUTH_TOKEN");
        if (token == null || token.isBlank()) {
            token = Accounts.generateToken();
            out.println("default account auth token (set DISPATCHER_AUTH_TOKEN to choose it): " + token);
        }
        defaultToken = token;
        return accountsFile == null ? Accounts.withDefault(token) : Accounts.load(accountsFile, token);
    }

    /**
     * These options as {@code dispatcher worker} arguments, with {@code builtInAllowed} networks
     * first: what a worker started elsewhere needs to be configured like this one.
     */
    List<String> asWorkerArgs(List<String> builtInAllowed) {
        List<String> args = new ArrayList<>();
        for (String cidr : builtInAllowed) {
            args.addAll(List.of("--allow-destination", cidr));
        }
        for (String cidr : allowDestinations) {
            args.addAll(List.of("--allow-destination", cidr));
        }
        if (accountsFile != null) {
            args.addAll(List.of("--accounts", accountsFile.toAbsolutePath().toString()));
        }
        args.addAll(List.of("--max-in-flight", String.valueOf(maxInFlight),
                "--max-connections-per-destination", String.valueOf(maxConnectionsPerDestination),
                "--retry-backoff-ms", String.valueOf(retryBackoffMs),
                "--max-connections", String.valueOf(maxConnections),
                "--max-connecting", String.valueOf(maxConnecting),
                "--connection-idle-timeout-ms", String.valueOf(connectionIdleTimeoutMs)));
        if (eventLoops != null) {
            args.addAll(List.of("--event-loops", String.valueOf(eventLoops)));
        }
        return args;
    }

    List<Cidr> allowed(List<String> builtIn) {
        List<Cidr> cidrs = new ArrayList<>();
        builtIn.forEach(text -> cidrs.add(Cidr.parse(text)));
        allowDestinations.forEach(text -> cidrs.add(Cidr.parse(text)));
        return cidrs;
    }

    WorkerConfig config(KafkaConnection kafka, Set<Region> regions, Accounts accounts, List<Cidr> allowed, int metricsPort) {
        // The builder checks each value and names what is allowed: a bad flag fails at start with that line.
        WorkerConfig.Builder config = WorkerConfig.custom(kafka, regions, accounts, allowed).maxInFlight(maxInFlight)
                .maxConnectionsPerDestination(maxConnectionsPerDestination).retryBackoff(java.time.Duration.ofMillis(retryBackoffMs))
                .metricsPort(metricsPort).connections(new ConnectionLimits(maxConnections, maxConnecting, connectionIdleTimeoutMs));
        if (eventLoops != null) {
            config.eventLoops(eventLoops);
        }
        return config.build();
    }
}
