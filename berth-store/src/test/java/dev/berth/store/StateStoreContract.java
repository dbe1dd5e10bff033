package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StateStore} must have, written once and run against each backend
 * (subclasses only say how to open a store). Modelled on CNCF distribution's storage-driver
 * test suites: a backend is correct when it passes this class, whatever it does inside.
 *
 * <p>This part covers single-threaded semantics: versions, compare-and-set, scan order and
 * pagination, argument validation, rollback and read-only transactions, and durability across a
 * close and reopen. {@link StateStoreConcurrencyContract} (the superclass) covers concurrent
 * callers, locking and retries. A fresh, empty store is opened before each test and closed after.
 */
public abstract class StateStoreContract extends StateStoreConcurrencyContract {

    /** Orders strings by Unicode code point: the order the store promises for keys. */
    protected static final Comparator<String> CODE_POINT_ORDER =
            (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    /**
     * Opens the store under test. The first call in a test must give an empty store; later calls
     * in the same test (after {@link StateStore#close}) must reopen the same data.
     */
    protected abstract StateStore openStore();

    protected StateStore store;

    @BeforeEach
    void openForTest() {
        store = openStore();
    }

    @AfterEach
    void closeAfterTest() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected StateStore store() {
        return store;
    }

    protected void reopen() {
        store.close();
        store = openStore();
    }

    private Optional<Entry> get(String kind, String key) {
        return store.read(tx -> tx.get(kind, key));
    }

    @Test
    void insertCreatesVersionOneAndRefusesDuplicates() {
        assertThat(get("cluster", "prod")).isEmpty();
        assertThat(store.<Boolean>transact(tx -> tx.insert("cluster", "prod", "{\"v\":1}")))
                .isTrue();
        assertThat(store.<Boolean>transact(tx -> tx.insert("cluster", "prod", "{\"v\":2}")))
                .isFalse();
        assertThat(get("cluster", "prod")).contains(new Entry("cluster", "prod", 1, "{\"v\":1}"));
    }

    @Test
    void putCreatesThenBumpsTheVersion() {
        assertThat(store.<Long>transact(tx -> tx.put("service", "web", "{\"n\":1}")))
                .isEqualTo(1);
        assertThat(store.<Long>transact(tx -> tx.put("service", "web", "{\"n\":2}")))
                .isEqualTo(2);
        assertThat(store.<Long>transact(tx -> tx.put("service", "web", "{\"n\":3}")))
                .isEqualTo(3);
        assertThat(get("service", "web")).contains(new Entry("service", "web", 3, "{\"n\":3}"));
    }

    @Test
    void replaceIsCompareAndSetOnTheVersion() {
        store.transact(tx -> tx.insert("task", "t1", "{\"s\":\"PENDING\"}"));
        assertThat(store.<Boolean>transact(tx -> tx.replace("task", "t1", 2, "{\"s\":\"WRONG\"}")))
                .isFalse();
        assertThat(store.<Boolean>transact(tx -> tx.replace("task", "t1", 1, "{\"s\":\"RUNNING\"}")))
                .isTrue();
        assertThat(store.<Boolean>transact(tx -> tx.replace("task", "t1", 1, "{\"s\":\"STALE\"}")))
                .isFalse();
        assertThat(store.<Boolean>transact(tx -> tx.replace("task", "missing", 1, "{}")))
                .isFalse();
        assertThat(get("task", "t1")).contains(new Entry("task", "t1", 2, "{\"s\":\"RUNNING\"}"));
        assertThat(get("task", "missing")).isEmpty();
    }

    @Test
    void deleteRemovesOnceAndAReinsertStartsOver() {
        store.transact(tx -> tx.put("task", "t1", "{}") + tx.put("task", "t1", "{\"x\":1}"));
        assertThat(store.<Boolean>transact(tx -> tx.delete("task", "t1"))).isTrue();
        assertThat(store.<Boolean>transact(tx -> tx.delete("task", "t1"))).isFalse();
        assertThat(get("task", "t1")).isEmpty();
        assertThat(store.<Boolean>transact(tx -> tx.insert("task", "t1", "{\"again\":true}")))
                .isTrue();
        assertThat(get("task", "t1")).map(Entry::version).contains(1L);
    }

    @Test
    void kindsAreSeparateNamespaces() {
        store.transact(tx ->
                tx.put("cluster", "same", "{\"k\":\"cluster\"}") + tx.put("service", "same", "{\"k\":\"service\"}"));
        assertThat(get("cluster", "same")).map(Entry::json).contains("{\"k\":\"cluster\"}");
        assertThat(get("service", "same")).map(Entry::json).contains("{\"k\":\"service\"}");
        store.transact(tx -> tx.delete("cluster", "same"));
        assertThat(get("service", "same")).isPresent();
        assertThat(store.<Long>read(tx -> tx.count("service", ""))).isEqualTo(1);
        assertThat(store.<Long>read(tx -> tx.count("cluster", ""))).isZero();
    }

    @Test
    void documentsAreStoredVerbatim() {
        String json =
                "{ \"name\" : \"caf\u00e9 \u2603 \ud83d\ude00\", \"nested\": {\"a\": [1, 2.50, null]}, \"q\": \"'\\\"\" }";
        store.transact(tx -> tx.put("doc", "k", json));
        assertThat(get("doc", "k")).map(Entry::json).contains(json);
        String big = "[" + "0,".repeat((1 << 19) - 2) + "0 ]";
        assertThat(big.length()).isEqualTo(1 << 20);
        store.transact(tx -> tx.put("doc", "big", big));
        assertThat(get("doc", "big")).map(Entry::json).contains(big);
    }

    /** Keys whose order differs between code-point order and locale-aware or UTF-16 comparison. */
    protected static final List<String> TRICKY_KEYS = List.of(
            "a",
            "A",
            "b",
            "B",
            "Z",
            "z",
            "aa",
            "ab",
            "a b",
            "a-b",
            "a_b",
            "a%b",
            "a%",
            "a_",
            "a\\b",
            "a\\",
            "a.b",
            "a/b",
            "a/",
            "a0",
            "\u00e9",
            "e",
            "f",
            "\u00e4",
            "\u00c4",
            "\u00df",
            "ss",
            "\u0131",
            "i",
            "\u00e9t\u00e9",
            "\u00e9a",
            "\uff21",
            "\ufffd",
            "\uffff",
            "\ud83d\ude00",
            "\ud83d\ude00x",
            "\ud800\udc00",
            "\udbff\udfff",
            "\udbff\udfffz",
            "~",
            "\u007f",
            "\u0080",
            "\u4e2d\u6587");

    private void insertShuffled(String kind, List<String> keys) {
        List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(42));
        store.transact(tx -> {
            shuffled.forEach(k -> assertThat(tx.insert(kind, k, "{\"k\":1}")).isTrue());
            return null;
        });
    }

    private List<String> scanKeys(String kind, String prefix) {
        return store.read(tx -> tx.scan(kind, prefix, null, 10_000)).entries().stream()
                .map(Entry::key)
                .toList();
    }

    @Test
    void scanReturnsKeysInCodePointOrder() {
        insertShuffled("key", TRICKY_KEYS);
        List<String> expected = TRICKY_KEYS.stream().sorted(CODE_POINT_ORDER).toList();
        assertThat(scanKeys("key", "")).containsExactlyElementsOf(expected);
        assertThat(expected.indexOf("\ufffd")).isLessThan(expected.indexOf("\ud83d\ude00"));
        assertThat(expected.indexOf("B")).isLessThan(expected.indexOf("a"));
    }

    @Test
    void prefixScanMatchesLiterallyWithNoWildcards() {
        insertShuffled("key", TRICKY_KEYS);
        for (String prefix : List.of(
                "a",
                "a%",
                "a_",
                "a\\",
                "a/",
                "\u00e9",
                "\ud83d\ude00",
                "\udbff\udfff",
                "\uffff",
                "\u007f",
                "z",
                "nothing",
                "A",
                "\u00c4",
                "\u4e2d")) {
            List<String> expected = TRICKY_KEYS.stream()
                    .filter(k -> k.startsWith(prefix))
                    .sorted(CODE_POINT_ORDER)
                    .toList();
            assertThat(scanKeys("key", prefix)).as("prefix %s", prefix).containsExactlyElementsOf(expected);
            assertThat(store.<Long>read(tx -> tx.count("key", prefix)))
                    .as("count %s", prefix)
                    .isEqualTo(expected.size());
        }
        assertThat(scanKeys("key", "a%")).containsExactly("a%", "a%b");
        assertThat(scanKeys("key", "a_")).containsExactly("a_", "a_b");
        assertThat(scanKeys("key", "a\\")).containsExactly("a\\", "a\\b");
        assertThat(store.<Long>read(tx -> tx.count("key", ""))).isEqualTo(TRICKY_KEYS.size());
        assertThat(store.<Long>read(tx -> tx.count("other", ""))).isZero();
    }

    @Test
    void scanPaginatesWithAfterKeyAndLimit() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            keys.add(String.format("web/%09d", i));
        }
        insertShuffled("task", keys);
        store.transact(tx -> tx.insert("task", "weba", "{}") && tx.insert("task", "wea", "{}"));

        List<String> seen = new ArrayList<>();
        String after = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            String from = after;
            Page page = store.read(tx -> tx.scan("task", "web/", from, 10));
            sizes.add(page.entries().size());
            page.entries().forEach(e -> seen.add(e.key()));
            after = page.nextKey();
            if (page.hasMore()) {
                assertThat(after).isEqualTo(page.entries().getLast().key());
            }
        } while (after != null);
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(seen).containsExactlyElementsOf(keys);

        Page exact = store.read(tx -> tx.scan("task", "web/", null, 25));
        assertThat(exact.entries()).hasSize(25);
        assertThat(exact.hasMore()).isFalse();
        Page fromGap = store.read(tx -> tx.scan("task", "web/", "web/000000019x", 100));
        assertThat(fromGap.entries()).extracting(Entry::key).first().isEqualTo("web/000000020");
        Page all = store.read(tx -> tx.scan("task", "", "web/000000024", 100));
        assertThat(all.entries()).extracting(Entry::key).containsExactly("weba");
        assertThat(store.<Page>read(tx -> tx.scan("task", "", "zzz", 5)).entries())
                .isEmpty();
        assertThat(store.<Page>read(tx -> tx.scan("task", "web/", null, 1)).entries())
                .singleElement()
                .satisfies(e -> assertThat(e.version()).isEqualTo(1));
    }

    @Test
    void anExceptionRollsBackEveryWriteAndPropagatesUnchanged() {
        store.transact(tx -> tx.put("cluster", "keep", "{\"v\":1}"));
        IllegalStateException boom = new IllegalStateException("boom");
        int[] runs = {0};
        assertThatThrownBy(() -> store.transact(tx -> {
                    runs[0]++;
                    tx.insert("cluster", "new", "{}");
                    tx.put("cluster", "keep", "{\"v\":2}");
                    tx.delete("cluster", "keep");
                    tx.increment("ids");
                    tx.increment("ids");
                    throw boom;
                }))
                .isSameAs(boom);
        assertThat(runs[0]).as("a non-retryable failure runs the work once").isEqualTo(1);
        assertThat(get("cluster", "new")).isEmpty();
        assertThat(get("cluster", "keep")).contains(new Entry("cluster", "keep", 1, "{\"v\":1}"));
        assertThat(store.<Long>transact(tx -> tx.increment("ids"))).isEqualTo(1);
        assertThat(store.<Long>transact(tx -> tx.increment("other"))).isEqualTo(1);
        assertThat(store.<Long>transact(tx -> tx.increment("ids"))).isEqualTo(2);
    }

    @Test
    void transactReturnsTheWorkResultAndSeesItsOwnWrites() {
        String result = store.transact(tx -> {
            tx.put("k", "a", "{\"a\":1}");
            assertThat(tx.get("k", "a")).map(Entry::version).contains(1L);
            assertThat(tx.count("k", "")).isEqualTo(1);
            assertThat(tx.scan("k", "a", null, 5).entries()).hasSize(1);
            return "done";
        });
        assertThat(result).isEqualTo("done");
    }

    @Test
    void readOnlyTransactionsRejectWrites() {
        store.transact(tx -> tx.put("task", "t", "{}"));
        List<Consumer<Transaction>> writes = List.of(
                tx -> tx.insert("task", "u", "{}"),
                tx -> tx.put("task", "t", "{}"),
                tx -> tx.replace("task", "t", 1, "{}"),
                tx -> tx.delete("task", "t"),
                tx -> tx.increment("c"),
                tx -> tx.getForUpdate("task", "t"));
        for (Consumer<Transaction> write : writes) {
            assertThatThrownBy(() -> store.read(tx -> {
                        write.accept(tx);
                        return null;
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
        assertThat(get("task", "t")).contains(new Entry("task", "t", 1, "{}"));
        assertThat(get("task", "u")).isEmpty();
        assertThat(store.<Long>transact(tx -> tx.increment("c"))).isEqualTo(1);
    }

    @Test
    void aTransactionCannotBeUsedAfterItEnds() {
        Transaction escaped = store.transact(Function.identity());
        assertThatThrownBy(() -> escaped.put("task", "t", "{}")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> escaped.get("task", "t")).isInstanceOf(IllegalStateException.class);
        assertThat(get("task", "t")).isEmpty();
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnythingIsWritten() {
        String longKey = "k".repeat(1025);
        List<Consumer<Transaction>> bad = List.of(
                tx -> tx.put("", "k", "{}"),
                tx -> tx.put("Cluster", "k", "{}"),
                tx -> tx.put("a_b", "k", "{}"),
                tx -> tx.put("x".repeat(65), "k", "{}"),
                tx -> tx.put(null, "k", "{}"),
                tx -> tx.get("a.b", "k"),
                tx -> tx.put("k", "", "{}"),
                tx -> tx.put("k", null, "{}"),
                tx -> tx.put("k", longKey, "{}"),
                tx -> tx.put("k", "a\0b", "{}"),
                tx -> tx.put("k", "a\ud800b", "{}"),
                tx -> tx.get("k", "\udc00"),
                tx -> tx.put("k", "k", null),
                tx -> tx.put("k", "k", ""),
                tx -> tx.put("k", "k", "{\"a\":\"\0\"}"),
                tx -> tx.insert("k", "k", " "),
                tx -> tx.put("k", "k", "[" + " ".repeat(1 << 20) + "]"),
                tx -> tx.replace("k", "k", 0, "{}"),
                tx -> tx.scan("k", "", null, 0),
                tx -> tx.scan("k", "", null, 10_001),
                tx -> tx.scan("k", longKey, null, 1),
                tx -> tx.scan("k", "", "", 1),
                tx -> tx.count("K", ""),
                tx -> tx.increment(""),
                tx -> tx.increment(null),
                tx -> tx.delete("k", ""),
                tx -> tx.getForUpdate("k", null),
                tx -> tx.put("k", "\u4e2d".repeat(683), "{}"));
        for (int i = 0; i < bad.size(); i++) {
            Consumer<Transaction> call = bad.get(i);
            assertThatThrownBy(() -> store.transact(tx -> {
                        tx.put("k", "marker", "{}");
                        call.accept(tx);
                        return null;
                    }))
                    .as("bad call #%d", i)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(get("k", "marker")).isEmpty();
        String maxKey = "\u00e9".repeat(1024);
        String emojiKey = "\ud83d\ude00".repeat(512);
        String cjkKey = "\u4e2d".repeat(682);
        assertThat(store.<Boolean>transact(tx ->
                        tx.insert("k", maxKey, "{}") && tx.insert("k", emojiKey, "{}") && tx.insert("k", cjkKey, "{}")))
                .isTrue();
        assertThat(scanKeys("k", "")).containsExactly(maxKey, cjkKey, emojiKey);
        assertThat(store.<List<Entry>>read(tx -> tx.scan("k", null, null, 1).entries()))
                .hasSize(1);
    }

    @Test
    void committedDataSurvivesCloseAndReopen() {
        store.transact(tx -> {
            tx.put("cluster", "prod", "{\"v\":1}");
            tx.put("cluster", "prod", "{\"v\":2}");
            tx.insert("cluster", "dev", "{}");
            tx.increment("task-id");
            return tx.increment("task-id");
        });
        store.transact(tx -> tx.delete("cluster", "dev"));
        reopen();
        assertThat(get("cluster", "prod")).contains(new Entry("cluster", "prod", 2, "{\"v\":2}"));
        assertThat(get("cluster", "dev")).isEmpty();
        assertThat(store.<Long>transact(tx -> tx.increment("task-id"))).isEqualTo(3);
        reopen();
        assertThat(store.<Long>transact(tx -> tx.increment("task-id"))).isEqualTo(4);
        assertThat(store.backend()).isIn("h2", "postgresql");
    }
}
