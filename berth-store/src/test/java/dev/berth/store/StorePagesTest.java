package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePagesTest {

    @TempDir
    Path dir;

    StateStore store;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir);
        store.transact(tx -> {
            for (int i = 0; i < 1234; i++) {
                tx.insert("doc", String.format("k%05d", i), "{\"n\":" + i + "}");
            }
            tx.insert("doc-other", "k00001", "{}");
            return null;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void pagesThroughFilteredDocumentsWithoutLosingOrRepeatingAny() {
        List<Integer> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String a = after;
            StorePages.Listing<Integer> page = store.read(tx -> StorePages.list(tx, "doc", "k", a, 7, e -> {
                int n = Integer.parseInt(e.key().substring(1));
                return n % 3 == 0 ? Optional.of(n) : Optional.empty();
            }));
            assertThat(page.items().size()).isLessThanOrEqualTo(7);
            seen.addAll(page.items());
            after = page.resumeAfter();
            pages++;
        } while (after != null);
        assertThat(seen).hasSize(412).doesNotHaveDuplicates().isSorted();
        assertThat(seen.getFirst()).isZero();
        assertThat(seen.getLast()).isEqualTo(1233);
        assertThat(pages).isBetween(59, 60);
    }

    @Test
    void aPageThatEndsExactlyAtTheLastDocumentHasNoResumeKey() {
        StorePages.Listing<String> all =
                store.read(tx -> StorePages.list(tx, "doc", "k0000", null, 10, e -> Optional.of(e.key())));
        assertThat(all.items()).hasSize(10);
        assertThat(all.resumeAfter()).isNull();
    }

    @Test
    void anEmptyKindGivesAnEmptyLastPage() {
        StorePages.Listing<String> none =
                store.read(tx -> StorePages.list(tx, "nothing", "", null, 10, e -> Optional.of(e.key())));
        assertThat(none.items()).isEmpty();
        assertThat(none.resumeAfter()).isNull();
    }

    @Test
    void forEachVisitsEveryDocumentUnderThePrefix() {
        List<String> keys = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, "doc", "k01", e -> keys.add(e.key()));
            return null;
        });
        assertThat(keys).hasSize(234).first().isEqualTo("k01000");
    }
}
