package dev.edgedispatcher.embeddedpostgres;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * How to reach one database of a PostgreSQL server: a JDBC URL without credentials, the runtime
 * role and the role that owns the schema (and runs the migrations). What {@code job-store.properties}
 * holds.
 */
public record StoreCredentials(String url, String user, String password, String migrationUser, String migrationPassword) {

    /** The properties of a job-store configuration file (keys {@code url}, {@code user}, ...). */
    public Properties asProperties() {
        Properties properties = new Properties();
        properties.setProperty("url", url);
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("migration-user", migrationUser);
        properties.setProperty("migration-password", migrationPassword);
        return properties;
    }

    /** Writes them as a properties file only its owner can read (it holds passwords). */
    public void writeTo(Path file, String comment) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
            asProperties().store(out, comment);
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
