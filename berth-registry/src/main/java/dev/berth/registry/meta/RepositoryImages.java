package dev.berth.registry.meta;

import dev.berth.registry.RegistryKinds;
import dev.berth.registry.lifecycle.ImageCatalog;
import dev.berth.registry.lifecycle.ImageFacts;
import dev.berth.registry.repo.RepositoryContents;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry's image metadata ({@link Images}) as the repository operations and the lifecycle
 * policies need it: {@link RepositoryContents} for DeleteRepository and {@link ImageCatalog} for
 * the lifecycle preview and executor. Everything runs in the caller's transaction.
 *
 * <p>What lifecycle rules see, as in ECR: the repository's images and indexes, but not the
 * manifests an index of the repository lists (they live and die with their index) nor artifacts
 * that refer to a subject (they go when their subject goes). Expiring an image therefore also
 * removes the artifacts that refer to it. Blobs left unreferenced are garbage collection's.
 */
public final class RepositoryImages implements RepositoryContents, ImageCatalog {

    private final Images images;

    public RepositoryImages(Images images) {
        this.images = images;
    }

    @Override
    public boolean hasImages(Transaction tx, String repository) {
        return tx.count(RegistryKinds.IMAGE, RegistryKinds.imagePrefix(repository)) > 0;
    }

    @Override
    public void deleteAll(Transaction tx, String repository) {
        deletePrefix(tx, RegistryKinds.TAG, RegistryKinds.tagPrefix(repository));
        deletePrefix(tx, RegistryKinds.REFERRER, RegistryKinds.imagePrefix(repository));
        deletePrefix(tx, RegistryKinds.IMAGE, RegistryKinds.imagePrefix(repository));
        deletePrefix(tx, RegistryKinds.LAYER, RegistryKinds.imagePrefix(repository));
    }

    @Override
    public List<ImageFacts> images(Transaction tx, String repository) {
        Map<String, List<String>> tagsByDigest = new HashMap<>();
        StorePages.forEach(tx, RegistryKinds.TAG, RegistryKinds.tagPrefix(repository), e -> {
            TagRecord t = images.docs().read(e, TagRecord.class);
            tagsByDigest.computeIfAbsent(t.digest(), d -> new ArrayList<>()).add(t.tag());
        });
        List<ImageRecord> all = new ArrayList<>();
        StorePages.forEach(
                tx, RegistryKinds.IMAGE, RegistryKinds.imagePrefix(repository), e -> all.add(images.read(e)));
        Set<String> listedByAnIndex = new HashSet<>();
        all.stream().filter(ImageRecord::isIndex).forEach(i -> listedByAnIndex.addAll(i.references()));
        List<ImageFacts> out = new ArrayList<>();
        for (ImageRecord i : all) {
            if (i.subject() != null || listedByAnIndex.contains(i.digest())) {
                continue;
            }
            out.add(new ImageFacts(
                    i.digest(),
                    tagsByDigest.getOrDefault(i.digest(), List.of()),
                    Instant.ofEpochMilli(i.pushedAt()),
                    i.lastPulledAt() == null ? null : Instant.ofEpochMilli(i.lastPulledAt()),
                    i.imageSizeInBytes()));
        }
        return out;
    }

    @Override
    public void expire(Transaction tx, String repository, Collection<String> digests) {
        for (String digest : digests) {
            if (tx.get(RegistryKinds.IMAGE, RegistryKinds.imageKey(repository, digest))
                    .isEmpty()) {
                continue;
            }
            List<String> referrers = new ArrayList<>();
            StorePages.forEach(
                    tx,
                    RegistryKinds.REFERRER,
                    RegistryKinds.referrerPrefix(repository, digest),
                    e -> referrers.add(e.key()
                            .substring(RegistryKinds.referrerPrefix(repository, digest)
                                    .length())));
            for (String r : referrers) {
                if (tx.get(RegistryKinds.IMAGE, RegistryKinds.imageKey(repository, r))
                        .isPresent()) {
                    images.deleteImage(tx, repository, r);
                }
            }
            images.deleteImage(tx, repository, digest);
        }
    }

    private static void deletePrefix(Transaction tx, String kind, String prefix) {
        List<String> keys = new ArrayList<>();
        StorePages.forEach(tx, kind, prefix, e -> keys.add(e.key()));
        keys.forEach(k -> tx.delete(kind, k));
    }
}
