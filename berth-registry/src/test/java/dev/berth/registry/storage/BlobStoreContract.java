package dev.berth.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} implementation must have (the file system one today, an
 * S3-compatible one later): a subclass supplies {@link #newStore()} and {@link #reopen()} (a new
 * instance over the same storage, as after a restart) and inherits every test.
 */
public abstract class BlobStoreContract {

    protected BlobStore store;

    protected abstract BlobStore newStore() throws Exception;

    /** A fresh instance over the same storage (what a server restart sees). */
    protected abstract BlobStore reopen() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void putThenStatAndRead() throws Exception {
        byte[] content = "{\"schemaVersion\":2}".getBytes();
        Digest d = Digest.sha256(content);
        store.put(d, content);
        assertThat(store.stat(d).orElseThrow().size()).isEqualTo(content.length);
        try (InputStream in = store.open(d, 0).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        try (InputStream in = store.open(d, 5).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 5, content.length));
        }
    }

    @Test
    void putWithWrongDigestStoresNothing() throws Exception {
        Digest claimed = Digest.sha256("other".getBytes());
        assertThatThrownBy(() -> store.put(claimed, "content".getBytes()))
                .isInstanceOf(BlobStore.DigestMismatchException.class);
        assertThat(store.stat(claimed)).isEmpty();
        assertThat(store.open(claimed, 0)).isEmpty();
    }

    @Test
    void chunkedUploadBecomesVisibleOnlyAfterCommit() throws Exception {
        byte[] content = random(3_000_000, 1);
        Digest d = Digest.sha256(content);
        store.createUpload("u1");
        assertThat(store.append("u1", 0, new ByteArrayInputStream(content, 0, 1_000_000), Long.MAX_VALUE))
                .isEqualTo(1_000_000);
        assertThat(store.stat(d)).isEmpty();
        assertThat(store.upload("u1").size()).isEqualTo(1_000_000);
        assertThat(store.append(
                        "u1", 1_000_000, new ByteArrayInputStream(content, 1_000_000, 2_000_000), Long.MAX_VALUE))
                .isEqualTo(3_000_000);
        BlobStore.BlobInfo info = store.commit("u1", d);
        assertThat(info.size()).isEqualTo(3_000_000);
        try (InputStream in = store.open(d, 0).orElseThrow()) {
            assertThat(Digest.sha256(in.readAllBytes())).isEqualTo(d);
        }
        assertThatThrownBy(() -> store.upload("u1")).isInstanceOf(BlobStore.UploadUnknownException.class);
    }

    @Test
    void sha512IsVerifiedToo() throws Exception {
        byte[] content = random(100_000, 2);
        Digest d = Digest.compute(Digest.Algorithm.SHA512, content);
        store.createUpload("u512");
        store.append("u512", 0, new ByteArrayInputStream(content), Long.MAX_VALUE);
        store.commit("u512", d);
        assertThat(store.stat(d)).isPresent();
        Digest wrong = Digest.compute(Digest.Algorithm.SHA512, new byte[] {1});
        store.createUpload("u512b");
        store.append("u512b", 0, new ByteArrayInputStream(content), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.commit("u512b", wrong)).isInstanceOf(BlobStore.DigestMismatchException.class);
    }

    @Test
    void wrongDigestDiscardsTheUploadAndShowsNothing() throws Exception {
        byte[] content = random(10_000, 3);
        Digest claimed = Digest.sha256(random(10_000, 4));
        store.createUpload("bad");
        store.append("bad", 0, new ByteArrayInputStream(content), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.commit("bad", claimed))
                .isInstanceOf(BlobStore.DigestMismatchException.class)
                .satisfies(e -> assertThat(((BlobStore.DigestMismatchException) e).actual())
                        .isEqualTo(Digest.sha256(content)));
        assertThat(store.stat(claimed)).isEmpty();
        assertThat(store.stat(Digest.sha256(content))).isEmpty();
        assertThatThrownBy(() -> store.upload("bad")).isInstanceOf(BlobStore.UploadUnknownException.class);
    }

    @Test
    void appendAtTheWrongOffsetIsRefusedWithTheActualSize() throws Exception {
        store.createUpload("off");
        store.append("off", 0, new ByteArrayInputStream(new byte[10]), Long.MAX_VALUE);
        assertThatThrownBy(() -> store.append("off", 5, new ByteArrayInputStream(new byte[1]), Long.MAX_VALUE))
                .isInstanceOfSatisfying(BlobStore.OffsetMismatchException.class, e -> assertThat(e.size())
                        .isEqualTo(10));
        assertThatThrownBy(() -> store.append("missing", 0, new ByteArrayInputStream(new byte[1]), Long.MAX_VALUE))
                .isInstanceOf(BlobStore.UploadUnknownException.class);
    }

    @Test
    void anUploadSurvivesARestartAndResumes() throws Exception {
        byte[] content = random(500_000, 5);
        store.createUpload("resume");
        store.append("resume", 0, new ByteArrayInputStream(content, 0, 200_000), Long.MAX_VALUE);
        BlobStore again = reopen();
        assertThat(again.upload("resume").size()).isEqualTo(200_000);
        again.append("resume", 200_000, new ByteArrayInputStream(content, 200_000, 300_000), Long.MAX_VALUE);
        again.commit("resume", Digest.sha256(content));
        assertThat(again.stat(Digest.sha256(content)).orElseThrow().size()).isEqualTo(500_000);
    }

    @Test
    void aFailingSourceKeepsWhatWasWritten() throws Exception {
        store.createUpload("broken");
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws java.io.IOException {
                if (n++ < 1000) {
                    return 7;
                }
                throw new java.io.IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> store.append("broken", 0, failing, Long.MAX_VALUE))
                .isInstanceOf(java.io.IOException.class);
        long kept = store.upload("broken").size();
        assertThat(kept).isBetween(0L, 1000L);
        byte[] rest = new byte[(int) (1500 - kept)];
        java.util.Arrays.fill(rest, (byte) 7);
        store.append("broken", kept, new ByteArrayInputStream(rest), Long.MAX_VALUE);
        byte[] all = new byte[1500];
        java.util.Arrays.fill(all, (byte) 7);
        store.commit("broken", Digest.sha256(all));
        assertThat(store.stat(Digest.sha256(all))).isPresent();
    }

    @Test
    void appendBeyondTheLimitFails() throws Exception {
        store.createUpload("big");
        assertThatThrownBy(() -> store.append("big", 0, new ByteArrayInputStream(new byte[2000]), 1000))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void concurrentUploadsOfTheSameContentBothSucceedAndStoreItOnce() throws Exception {
        byte[] content = random(2_000_000, 6);
        Digest d = Digest.sha256(content);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BlobStore.BlobInfo>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String id = "same-" + i;
                store.createUpload(id);
                Callable<BlobStore.BlobInfo> c = () -> {
                    store.append(id, 0, new ByteArrayInputStream(content), Long.MAX_VALUE);
                    return store.commit(id, d);
                };
                results.add(pool.submit(c));
            }
            for (Future<BlobStore.BlobInfo> f : results) {
                assertThat(f.get().size()).isEqualTo(content.length);
            }
        } finally {
            pool.shutdown();
        }
        List<BlobStore.BlobInfo> all = new ArrayList<>();
        store.forEachBlob(all::add);
        assertThat(all).extracting(BlobStore.BlobInfo::digest).containsExactly(d);
        try (InputStream in = store.open(d, 0).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void cancelAndListUploads() throws Exception {
        store.createUpload("a");
        store.createUpload("b");
        assertThat(store.uploads()).extracting(BlobStore.UploadInfo::id).containsExactlyInAnyOrder("a", "b");
        assertThat(store.cancel("a")).isTrue();
        assertThat(store.cancel("a")).isFalse();
        assertThat(store.uploads()).extracting(BlobStore.UploadInfo::id).containsExactly("b");
    }

    @Test
    void deleteHonoursTheGracePeriod() throws Exception {
        byte[] content = random(1000, 7);
        Digest d = Digest.sha256(content);
        store.put(d, content);
        assertThat(store.delete(d, Instant.now().minusSeconds(3600)))
                .as("written just now: kept")
                .isFalse();
        assertThat(store.stat(d)).isPresent();
        assertThat(store.delete(d, Instant.now().plusSeconds(1))).isTrue();
        assertThat(store.stat(d)).isEmpty();
        assertThat(store.delete(d, Instant.now().plusSeconds(1))).isFalse();
    }

    @Test
    void uploadIdsThatAreNotNamesAreRejected() {
        assertThat(BlobStore.validUploadId("../../etc")).isFalse();
        assertThat(BlobStore.validUploadId("")).isFalse();
        assertThat(BlobStore.validUploadId("0b7e-ok")).isTrue();
        assertThatThrownBy(() -> store.createUpload("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
