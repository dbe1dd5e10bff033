package dev.berth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks of the package's internals that the contract cannot see: the migration list that lets
 * {@link JdbcStores} skip Flyway must match the migration files, and the prefix-to-range
 * arithmetic must handle the ends of the code-point space.
 */
class JdbcInternalsTest {

    @Test
    void theMigrationListMatchesTheMigrationFilesOfEveryVendor() throws IOException, URISyntaxException {
        for (String vendor : List.of("h2", "postgresql")) {
            Path dir = Path.of(getClass()
                    .getClassLoader()
                    .getResource("db/migration/" + vendor)
                    .toURI());
            try (Stream<Path> files = Files.list(dir)) {
                List<String> versions = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("V"))
                        .map(n -> n.substring(1, n.indexOf("__")).replace('_', '.'))
                        .sorted()
                        .toList();
                assertThat(versions).as(vendor).containsExactlyElementsOf(JdbcStores.MIGRATIONS);
            }
        }
    }

    @Test
    void prefixSuccessorIsTheNextStringInCodePointOrder() {
        assertThat(Arguments.prefixSuccessor("")).isNull();
        assertThat(Arguments.prefixSuccessor("ab")).isEqualTo("ac");
        assertThat(Arguments.prefixSuccessor("a%")).isEqualTo("a&");
        assertThat(Arguments.prefixSuccessor("a\ud7ff")).isEqualTo("a\ue000");
        assertThat(Arguments.prefixSuccessor("a\uffff")).isEqualTo("a\ud800\udc00");
        assertThat(Arguments.prefixSuccessor("a\udbff\udfff")).isEqualTo("b");
        assertThat(Arguments.prefixSuccessor("\udbff\udfff\udbff\udfff")).isNull();
    }
}
