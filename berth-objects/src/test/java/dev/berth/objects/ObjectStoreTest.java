package dev.berth.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.objects.ObjectRecords.Item;
import dev.berth.objects.ObjectRecords.Listing;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store without HTTP, on an embedded store: S3's bucket naming rules, listing order and
 * delimiter roll-up across pages, Range arithmetic, and the file discipline (no file left in
 * {@code tmp/}, an overwritten or deleted object's file removed).
 */
class ObjectStoreTest {

    @TempDir
    Path dir;

    StateStore store;
    ObjectStore objects;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir.resolve("state"));
        objects = new ObjectStore(
                store, new Documents(new ObjectMapper()), dir.resolve("objects"), Clock.systemUTC(), "us-east-1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    Item put(String bucket, String key, String content) throws Exception {
        var staged = objects.stage(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), 1 << 20);
        return objects.put(
                bucket,
                "acct",
                key,
                staged,
                ObjectStore.hex(staged.md5()),
                new ObjectRecords.Headers(null, null, null, null, null, null, Map.of()));
    }

    long files(String sub) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("objects").resolve(sub))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void bucketNamesFollowS3sRules() {
        for (String ok : List.of("abc", "my.bucket-1", "a".repeat(63), "1bucket", "bucket1")) {
            assertThat(BucketNames.valid(ok)).as(ok).isTrue();
        }
        for (String bad : List.of(
                "ab",
                "a".repeat(64),
                "Abc",
                "a_b",
                "-ab",
                "ab-",
                ".ab",
                "ab.",
                "a..b",
                "10.0.0.1",
                "xn--ab",
                "sthree-ab",
                "amzn-s3-demo-ab",
                "ab-s3alias",
                "ab--ol-s3",
                "ab.mrap",
                "ab--x-s3",
                "ab--table-s3")) {
            assertThat(BucketNames.valid(bad)).as(bad).isFalse();
        }
    }

    @Test
    void rangesAreAppliedAsS3AppliesThem() {
        assertThat(Ranges.parse("bytes=0-9", 100)).containsExactly(0, 9);
        assertThat(Ranges.parse("bytes=90-", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=90-500", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=-10", 100)).containsExactly(90, 99);
        assertThat(Ranges.parse("bytes=-500", 100)).containsExactly(0, 99);
        assertThat(Ranges.parse("bytes=5-1", 100)).isNull();
        assertThat(Ranges.parse("bytes=0-1,5-6", 100)).isNull();
        assertThat(Ranges.parse("items=0-1", 100)).isNull();
        assertThatThrownBy(() -> Ranges.parse("bytes=100-", 100))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().httpStatus()).isEqualTo(416));
    }

    @Test
    void listingRollsUpCommonPrefixesAcrossPagesInBinaryOrder() throws Exception {
        objects.createBucket("list", "acct");
        for (String k : List.of("a/1", "a/2", "a/b/3", "b", "c/1", "ä", "Z", "c/2")) {
            put("list", k, k);
        }
        Listing all = objects.list("list", "acct", "", null, null, 1000);
        assertThat(all.contents())
                .extracting(Item::key)
                .containsExactly("Z", "a/1", "a/2", "a/b/3", "b", "c/1", "c/2", "ä");
        assertThat(all.truncated()).isFalse();

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Listing l = objects.list("list", "acct", "", "/", after, 1);
            l.contents().forEach(i -> seen.add(i.key()));
            seen.addAll(l.commonPrefixes());
            after = l.truncated() ? l.next() : null;
            pages++;
        } while (after != null);
        assertThat(seen).containsExactly("Z", "a/", "b", "c/", "ä");
        assertThat(pages).isEqualTo(5);

        Listing underA = objects.list("list", "acct", "a/", "/", null, 1000);
        assertThat(underA.contents()).extracting(Item::key).containsExactly("a/1", "a/2");
        assertThat(underA.commonPrefixes()).containsExactly("a/b/");
        assertThat(objects.list("list", "acct", "", null, "b", 1000).contents())
                .extracting(Item::key)
                .containsExactly("c/1", "c/2", "ä");
    }

    @Test
    void overwritesAndDeletesLeaveNoFilesBehind() throws Exception {
        objects.createBucket("files", "acct");
        put("files", "k", "one");
        put("files", "k", "two");
        assertThat(files("data")).isEqualTo(1);
        assertThat(files("tmp")).isZero();
        assertThat(Files.readString(objects.path(objects.get("files", "acct", "k"))))
                .isEqualTo("two");
        assertThatThrownBy(() -> objects.deleteBucket("files", "acct"))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().code()).isEqualTo("BucketNotEmpty"));
        objects.delete("files", "acct", "k");
        assertThat(files("data")).isZero();
        objects.deleteBucket("files", "acct");
        assertThatThrownBy(() -> put("files", "k", "x"))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().code()).isEqualTo("NoSuchBucket"));
        assertThat(files("data"))
                .as("a put into a missing bucket removes its file")
                .isZero();
        assertThatThrownBy(() -> objects.stage(new ByteArrayInputStream(new byte[11]), 10))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().code()).isEqualTo("EntityTooLarge"));
        assertThat(files("tmp")).isZero();
    }

    @Test
    void anotherAccountsBucketIsNeitherVisibleNorWritable() throws Exception {
        objects.createBucket("mine", "acct");
        assertThatThrownBy(() -> objects.createBucket("mine", "other"))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().code()).isEqualTo("BucketAlreadyExists"));
        assertThat(objects.buckets("other")).isEmpty();
        assertThatThrownBy(() -> objects.get("mine", "other", "k"))
                .isInstanceOfSatisfying(
                        S3Errors.S3Exception.class,
                        e -> assertThat(e.error().code()).isEqualTo("AccessDenied"));
    }
}
