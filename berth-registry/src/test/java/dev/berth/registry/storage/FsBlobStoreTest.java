package dev.berth.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file system blob store against the shared contract, plus what is specific to files. */
class FsBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() {
        return new FsBlobStore(root);
    }

    @Override
    protected BlobStore reopen() {
        return new FsBlobStore(root);
    }

    @Test
    void layoutIsContentAddressedAndUploadsLiveApart() throws Exception {
        byte[] content = "hello".getBytes();
        Digest d = Digest.sha256(content);
        store.createUpload("up");
        assertThat(root.resolve("uploads/up/data")).exists();
        store.append("up", 0, new ByteArrayInputStream(content), 100);
        store.commit("up", d);
        Path blob = root.resolve("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data");
        assertThat(Files.readAllBytes(blob)).isEqualTo(content);
        assertThat(store.file(d)).contains(blob);
        assertThat(root.resolve("uploads/up")).doesNotExist();
    }

    @Test
    void digestsParseStrictly() {
        assertThat(Digest.parse("sha256:" + "a".repeat(64))).isPresent();
        assertThat(Digest.parse("sha256:" + "A".repeat(64))).isEmpty();
        assertThat(Digest.parse("sha256:" + "a".repeat(63))).isEmpty();
        assertThat(Digest.parse("sha512:" + "0".repeat(128))).isPresent();
        assertThat(Digest.parse("md5:" + "0".repeat(32))).isEmpty();
        assertThat(Digest.parse("sha256:../../" + "a".repeat(58))).isEmpty();
    }
}
