package dev.berth.registry.gc;

import dev.berth.registry.RegistryKinds;
import dev.berth.registry.meta.ImageRecord;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.LayerLink;
import dev.berth.registry.storage.BlobStore;
import dev.berth.store.Entry;
import dev.berth.store.StorePages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mark-and-sweep garbage collection of blobs no manifest needs, safe to run while clients push.
 *
 * <p>The protocol with pushes rests on one store row, the GC epoch ({@code registry-gc/epoch}):
 * every transaction that stores a manifest or links a blob locks it first
 * ({@link Images#lockGcEpoch}), checks under the lock that the blobs it needs are still stored, and
 * stamps the links a manifest uses with the epoch. A collection:
 * <ol>
 *   <li>bumps the epoch to E (waiting for pushes in flight to commit; later pushes see E);</li>
 *   <li>marks: every stored manifest, in any repository, marks its own digest and what it
 *       references (config, layers, child manifests);</li>
 *   <li>removes blob links to unmarked blobs, each in its own transaction that re-reads the link
 *       and keeps it if it was created within the grace period or stamped with epoch E (a push
 *       that committed after the mark); a push that comes later finds the link gone and fails
 *       with MANIFEST_BLOB_UNKNOWN, so no manifest is ever stored pointing at a swept blob;</li>
 *   <li>deletes blob files that are unmarked and older than the grace period, each while holding
 *       the epoch lock and only after re-checking that no repository links it and no repository
 *       holds it as a manifest. A push whose manifest blob was deleted before its transaction
 *       writes it again under the lock; an upload whose blob was deleted before it was linked
 *       fails with BLOB_UPLOAD_INVALID and is pushed again.</li>
 * </ol>
 * Upload areas are not blobs and are left to upload expiry. One collection runs at a time per
 * process. Cost: the per-blob checks walk the repository names, so a collection is
 * O(candidates x repositories) store reads.
 */
public final class GarbageCollector {

    /** Default grace period: blobs and links younger than this are never collected. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    private final Images images;
    private final Duration grace;
    private final ReentrantLock running = new ReentrantLock();

    /** What a collection did. */
    public record Result(int manifests, int marked, int linksRemoved, int blobsDeleted, long bytesFreed, long millis) {}

    public GarbageCollector(Images images, Duration grace) {
        this.images = images;
        this.grace = grace;
    }

    /** Collects with the configured grace period. */
    public Result run() {
        return run(grace);
    }

    /** Collects with another grace period (an operator who knows no push is under way may pass zero). */
    public Result run(Duration grace) {
        running.lock();
        try {
            return collect(grace);
        } finally {
            running.unlock();
        }
    }

    private Result collect(Duration grace) {
        long t0 = System.nanoTime();
        images.ensureGcEpoch();
        long epoch = images.store().transact(tx -> {
            long next = images.lockGcEpoch(tx) + 1;
            tx.put(RegistryKinds.GC, RegistryKinds.GC_EPOCH, "{\"epoch\":" + next + "}");
            return next;
        });
        long markStart = images.clock().millis();
        Instant cutoff = Instant.ofEpochMilli(markStart).minus(grace);
        Set<String> marked = new HashSet<>();
        int[] manifests = {0};
        Map<String, List<String>> linksByDigest = new HashMap<>();
        images.store().read(tx -> {
            StorePages.forEach(tx, RegistryKinds.IMAGE, "", e -> {
                ImageRecord img = images.read(e);
                manifests[0]++;
                marked.add(img.digest());
                marked.addAll(img.references());
            });
            StorePages.forEach(tx, RegistryKinds.LAYER, "", e -> {
                LayerLink link = images.docs().read(e, LayerLink.class);
                linksByDigest
                        .computeIfAbsent(link.digest(), k -> new ArrayList<>())
                        .add(e.key());
            });
            return null;
        });
        int linksRemoved = 0;
        Set<String> keptLinks = new HashSet<>();
        for (Map.Entry<String, List<String>> entry : linksByDigest.entrySet()) {
            if (marked.contains(entry.getKey())) {
                continue;
            }
            for (String key : entry.getValue()) {
                boolean removed = images.store().transact(tx -> {
                    Entry current = tx.getForUpdate(RegistryKinds.LAYER, key).orElse(null);
                    if (current == null) {
                        return true;
                    }
                    LayerLink link = images.docs().read(current, LayerLink.class);
                    if (link.linkedAt() >= cutoff.toEpochMilli() || link.referencedEpoch() >= epoch) {
                        return false;
                    }
                    return tx.delete(RegistryKinds.LAYER, key);
                });
                if (removed) {
                    linksRemoved++;
                } else {
                    keptLinks.add(entry.getKey());
                }
            }
        }
        int[] deleted = {0};
        long[] freed = {0};
        List<BlobStore.BlobInfo> candidates = new ArrayList<>();
        try {
            images.blobs().forEachBlob(b -> {
                if (!marked.contains(b.digest().toString())
                        && !keptLinks.contains(b.digest().toString())
                        && b.modifiedAt().isBefore(cutoff)) {
                    candidates.add(b);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (BlobStore.BlobInfo b : candidates) {
            String d = b.digest().toString();
            boolean gone = images.store().transact(tx -> {
                images.lockGcEpoch(tx);
                if (inUse(tx, d, linksByDigest)) {
                    return false;
                }
                try {
                    // Deleting a file inside the transaction: if the store retries the work, the
                    // second delete finds nothing and returns false, which is harmless.
                    return images.blobs().delete(b.digest(), cutoff);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (gone) {
                deleted[0]++;
                freed[0] += b.size();
            }
        }
        return new Result(
                manifests[0], marked.size(), linksRemoved, deleted[0], freed[0], (System.nanoTime() - t0) / 1_000_000);
    }

    /** Whether any repository links {@code digest} or holds it as a manifest now. */
    private boolean inUse(dev.berth.store.Transaction tx, String digest, Map<String, List<String>> known) {
        for (String key : known.getOrDefault(digest, List.of())) {
            if (tx.get(RegistryKinds.LAYER, key).isPresent()) {
                return true;
            }
        }
        String after = null;
        while (true) {
            List<String> repos = images.repositories().names(tx, after, 500);
            for (String repo : repos) {
                if (tx.get(RegistryKinds.LAYER, RegistryKinds.layerKey(repo, digest))
                                .isPresent()
                        || tx.get(RegistryKinds.IMAGE, RegistryKinds.imageKey(repo, digest))
                                .isPresent()) {
                    return true;
                }
            }
            if (repos.size() < 500) {
                return false;
            }
            after = repos.getLast();
        }
    }
}
