package dev.berth.store.jdbc;

import dev.berth.store.StoreException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link JdbcStateStore} on a JDBC URL: picks the dialect and driver, builds the pool,
 * checks the database can give the promised key order, and brings the schema up to date with
 * Flyway (migrations in {@code db/migration/h2} and {@code db/migration/postgresql}; the SQL
 * differs in the key column type, so the folders are per vendor).
 *
 * <p>Start-up cost: on a cold JVM Flyway's own start (class loading, classpath scan, validation)
 * costs about half a second even when there is nothing to migrate, a quarter of the server's
 * start-up budget. So {@link #schemaIsCurrent} first reads Flyway's history table with one
 * query; when it lists exactly {@link #MIGRATIONS}, all successful, Flyway is not started at
 * all. Any other state (fresh database, pending or failed migration, a database migrated by a
 * newer Berth) goes through Flyway, which migrates or fails with its usual explanation. The
 * price is that checksums of applied migrations are only validated when Flyway runs; a test
 * keeps {@link #MIGRATIONS} in step with the migration files.
 *
 * <p>Flyway runs on a connection of its own while one pooled connection is held open, so an H2
 * database is opened once and not closed and reopened between migration and use. Several
 * processes opening the same PostgreSQL database at once are safe: Flyway serialises migrations
 * with a lock in the database. Public only so that {@link dev.berth.store.StateStores} (another
 * package) can call it; use that class.
 */
public final class JdbcStores {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStores.class);

    /** The versions of every migration in {@code db/migration/<vendor>}, oldest first. */
    static final List<String> MIGRATIONS = List.of("1");

    private JdbcStores() {}

    /** Opens a store on a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL, ready for use. */
    public static JdbcStateStore open(String url, int poolSize) {
        Dialect dialect;
        Driver driver;
        if (url.startsWith("jdbc:h2:")) {
            dialect = H2Dialect.INSTANCE;
            driver = org.h2.Driver.load();
        } else if (url.startsWith("jdbc:postgresql:")) {
            dialect = PostgresDialect.INSTANCE;
            driver = new org.postgresql.Driver();
        } else {
            throw new IllegalArgumentException("unsupported store URL (want jdbc:h2: or jdbc:postgresql:): " + url);
        }
        Properties props = new Properties();
        if (dialect == PostgresDialect.INSTANCE && !url.contains("ApplicationName=")) {
            props.setProperty("ApplicationName", "berth");
        }
        ConnectionPool pool = new ConnectionPool(() -> connect(driver, url, props), poolSize);
        try {
            long start = System.nanoTime();
            PooledConnection keepOpen = pool.acquire(false);
            try {
                if (dialect == PostgresDialect.INSTANCE) {
                    String encoding = keepOpen.queryString("SHOW server_encoding");
                    if (!"UTF8".equalsIgnoreCase(encoding)) {
                        throw new IllegalStateException("PostgreSQL database encoding is " + encoding
                                + "; Berth needs UTF8 for code-point key order (CREATE DATABASE ... ENCODING 'UTF8')");
                    }
                }
                boolean current = schemaIsCurrent(keepOpen);
                keepOpen.rollback(); // end the checks' transaction (aborted on PostgreSQL if there was no table)
                if (!current) {
                    migrate(dialect, driver, url, props);
                }
            } finally {
                pool.release(keepOpen);
            }
            LOG.debug("opened {} state store in {} ms", dialect.name(), (System.nanoTime() - start) / 1_000_000);
            return new JdbcStateStore(dialect, pool);
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot open the state store: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** Whether Flyway's history lists exactly our migrations, all applied successfully. */
    static boolean schemaIsCurrent(PooledConnection c) {
        List<String> applied = new ArrayList<>();
        try (ResultSet rs = c.prepare(
                        "SELECT version, success FROM \"flyway_schema_history\" WHERE version IS NOT NULL")
                .executeQuery()) {
            while (rs.next()) {
                applied.add(rs.getBoolean(2) ? rs.getString(1) : "failed:" + rs.getString(1));
            }
        } catch (SQLException e) {
            return false; // no history table yet: a fresh database
        }
        return applied.size() == MIGRATIONS.size() && Set.copyOf(applied).equals(Set.copyOf(MIGRATIONS));
    }

    private static void migrate(Dialect dialect, Driver driver, String url, Properties props) {
        Flyway.configure(JdbcStores.class.getClassLoader())
                .dataSource(new SimpleDataSource(() -> connect(driver, url, props)))
                .locations(dialect.migrationLocation())
                .failOnMissingLocations(true)
                .loggers("slf4j")
                .load()
                .migrate();
    }

    private static Connection connect(Driver driver, String url, Properties props) throws SQLException {
        Connection c = driver.connect(url, props);
        if (c == null) {
            throw new SQLException("driver " + driver.getClass().getName() + " does not accept " + url);
        }
        return c;
    }
}
