package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link StateStoreContract} against PostgreSQL. The database comes from
 * {@code BERTH_TEST_POSTGRES_URL}, which {@code scripts/test} exports after starting a throwaway
 * server with {@code scripts/lib/postgres.sh}; without it every test fails (never skips), so a
 * CI run cannot pass while silently ignoring the PostgreSQL backend. Each test gets a fresh
 * schema (via the driver's {@code currentSchema}), so reruns and leftovers never interfere; the
 * schemas are dropped when the class finishes.
 */
class PostgresStateStoreTest extends StateStoreContract {

    static final String ENV = "BERTH_TEST_POSTGRES_URL";

    private static final List<String> SCHEMAS = new CopyOnWriteArrayList<>();

    private String schema;

    static String baseUrl() {
        String url = System.getenv(ENV);
        if (url == null || url.isBlank()) {
            fail(ENV + " is not set. The PostgreSQL store tests need a server: run scripts/test, which starts one"
                    + " (source scripts/lib/postgres.sh; berth_start_test_postgres) and exports " + ENV
                    + ", e.g. jdbc:postgresql://127.0.0.1:55432/berth_test?user=berth&password=berth");
        }
        return url;
    }

    @Override
    protected boolean writersTakeTurns() {
        return false;
    }

    @Override
    protected StateStore openStore() {
        if (schema == null) {
            schema = "berth_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            execute("CREATE SCHEMA " + schema);
            SCHEMAS.add(schema);
        }
        String base = baseUrl();
        return StateStores.open(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, null);
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(baseUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + ENV, e);
        }
    }

    @AfterAll
    static void dropSchemas() {
        for (String s : SCHEMAS) {
            execute("DROP SCHEMA IF EXISTS " + s + " CASCADE");
        }
        SCHEMAS.clear();
    }

    @Test
    void theBackendIsPostgresqlAndKeysUseTheCCollation() throws SQLException {
        assertThat(store.backend()).isEqualTo("postgresql");
        try (Connection c = DriverManager.getConnection(baseUrl());
                var rs = c.createStatement()
                        .executeQuery(
                                "SELECT collation_name FROM information_schema.columns" + " WHERE table_schema = '"
                                        + schema + "' AND table_name = 'documents' AND column_name = 'doc_key'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("C");
        }
    }
}
