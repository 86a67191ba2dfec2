package dev.edgedispatcher.embeddedpostgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (17, from the binaries published as a Maven artifact) run as a child
 * process: the job store of {@code dispatcher up} and of the tests. Not a fake: the same SQL, locks
 * and partitioning a production server runs.
 *
 * <p>Secured like a server users trust: it listens on loopback only, every login needs a password
 * ({@code scram-sha-256}; the data directory is initialised with it, never with {@code trust}), and
 * Unix sockets are off. The data directory is kept across restarts; the superuser's password is kept
 * beside it in an owner-only file. {@link #database(String)} creates a database with two roles of its
 * own: an owner that runs the migrations and a runtime role that the migrations grant row access to.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path home;
    private final String superPassword;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path home, String superPassword) {
        this.postgres = postgres;
        this.home = home;
        this.superPassword = superPassword;
    }

    /**
     * Starts the server on {@code dataDirectory} (created and initialised on first use, kept after),
     * listening on {@code 127.0.0.1:port} (0: any free port). The binaries are unpacked once under
     * the system's temporary directory.
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) throws IOException {
        Path data = dataDirectory.toAbsolutePath();
        Path passwordFile = data.resolveSibling(data.getFileName() + ".superuser-password");
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        String superPassword;
        if (fresh) {
            superPassword = PostgresDatabases.newPassword();
            writeOwnerOnly(passwordFile, superPassword);
        } else {
            if (!Files.exists(passwordFile)) {
                throw new IOException("the PostgreSQL data directory " + data + " exists but its superuser password file "
                        + passwordFile + " does not: move the directory away to start afresh");
            }
            superPassword = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        }
        Files.createDirectories(data);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port == 0 ? freePort() : port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256")
                // The store's writes are the sink's batches: durable once committed (the library's
                // default turns this off for tests).
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "128MB")
                .setConnectConfig("password", superPassword);
        if (fresh) {
            // The library has just run initdb with trust authentication: redo it with a password
            // before the server ever starts, with the same binaries.
            builder.setDataDirectoryCustomizer(directory -> reinitialiseWithPassword(directory, superPassword));
        }
        EmbeddedPostgres postgres = builder.start();
        LOG.info("PostgreSQL listening on 127.0.0.1:{} (data in {})", postgres.getPort(), data);
        return new EmbeddedPostgresServer(postgres, data, superPassword);
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return postgres.getPort();
    }

    /** The data directory. */
    public Path dataDirectory() {
        return home;
    }

    /** See {@link PostgresDatabases#database(String)}. */
    public StoreCredentials database(String name) {
        return databases().database(name);
    }

    /** Drops a database made by {@link #database(String)} (tests use one per class). */
    public void dropDatabase(String name) {
        databases().dropDatabase(name);
    }

    /** Databases on this server, through its superuser login. */
    public PostgresDatabases databases() {
        return new PostgresDatabases("127.0.0.1", port(), SUPERUSER, superPassword);
    }

    private static void reinitialiseWithPassword(File directory, String superPassword) {
        Path data = directory.toPath();
        Path pwfile = null;
        try {
            Path initdb = findInitdb();
            deleteContents(data);
            pwfile = Files.createTempFile("pg-superuser", ".pw",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, superPassword + "\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            if (runsAsRoot()) {
                // PostgreSQL refuses to run as root: as the library does for its own commands, run
                // initdb in a user namespace where this user is not root.
                command.addAll(List.of("unshare", "-U"));
            }
            command.addAll(List.of(initdb.toString(), "-A", "scram-sha-256", "-U", SUPERUSER,
                    "--pwfile=" + pwfile, "-D", data.toString(), "-E", "UTF-8", "--no-instructions"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("initdb failed: " + output);
            }
            // Loopback over TCP only, always with a password.
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # Written by edge-dispatcher: TCP on loopback only, every login with a password.
                    host    all             all             127.0.0.1/32            scram-sha-256
                    host    all             all             ::1/128                 scram-sha-256
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("initialising PostgreSQL in " + data, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while initialising PostgreSQL", e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // a temporary file of the process's own
                }
            }
        }
    }

    /** The initdb the library unpacked (under java.io.tmpdir/embedded-pg, or its override property). */
    private static Path findInitdb() throws IOException {
        Path root = Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
        try (Stream<Path> found = Files.find(root, 4, (path, attributes) -> path.getFileName().toString().equals("initdb")
                && path.getParent().getFileName().toString().equals("bin") && path.toString().contains("PG-"))) {
            // Newest unpack first: an older version's binaries may sit beside it.
            return found.max(java.util.Comparator.comparingLong(path -> path.toFile().lastModified()))
                    .orElseThrow(() -> new IOException("no initdb found under " + root));
        }
    }

    private static boolean runsAsRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            id.waitFor(10, TimeUnit.SECONDS);
            return uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteContents(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!path.equals(directory)) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }


    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the server (a fast shutdown: sessions end, committed data stays). */
    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
