package dev.edgedispatcher.embeddedpostgres;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL server in a container (Testcontainers), for machines with a Docker engine. Loaded
 * only when asked for, so that Testcontainers stays an optional dependency.
 */
final class ContainerPostgres implements AutoCloseable {

    /** The same major as the embedded server. */
    static final String IMAGE = "postgres:17-alpine";

    private final PostgreSQLContainer container;

    private ContainerPostgres(PostgreSQLContainer container) {
        this.container = container;
    }

    static ContainerPostgres start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("job.store.server=testcontainers was asked for, but no Docker engine is reachable");
        }
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
        container.start();
        return new ContainerPostgres(container);
    }

    /** Databases on the container's server, through the superuser the image creates. */
    PostgresDatabases databases() {
        return new PostgresDatabases(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                container.getUsername(), container.getPassword());
    }

    @Override
    public void close() {
        container.stop();
    }
}
