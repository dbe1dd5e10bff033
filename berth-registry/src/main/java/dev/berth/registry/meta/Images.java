package dev.berth.registry.meta;

import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryError.Code;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.storage.BlobStore;
import dev.berth.registry.storage.Digest;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry's images as both front ends see them: pushing and resolving manifests, tags, blob
 * links and deletion, with the rules ECR applies wherever an image arrives (a repository must exist,
 * every referenced blob or manifest must be in it, immutable tags stay where they are).
 *
 * <p>Order of writes on a push: the manifest bytes go to the blob store first (content-addressed,
 * so harmless if the push then fails: garbage collection removes them), then one store transaction
 * checks the references and writes the image, its tag and its referrer entry together. That
 * transaction (and every one that links a blob) first locks the garbage collection epoch
 * ({@link #lockGcEpoch}) and marks the links it uses with it, and re-checks under that lock that
 * the blobs are still stored; that is what lets garbage collection run concurrently with pushes
 * (see {@code GarbageCollector}).
 */
public final class Images {

    /** OCI's tag grammar (ECR accepts up to 300 characters; the distribution spec limits to 128). */
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** Largest manifest accepted (ECR's ImageManifest maximum). */
    public static final int MAX_MANIFEST = 4 * 1024 * 1024;

    private final StateStore store;
    private final Documents docs;
    private final BlobStore blobs;
    private final Repositories repositories;
    private final Clock clock;

    public Images(StateStore store, Documents docs, BlobStore blobs, Clock clock) {
        this.store = store;
        this.docs = docs;
        this.blobs = blobs;
        this.repositories = new Repositories(docs.mapper());
        this.clock = clock;
    }

    public StateStore store() {
        return store;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public Repositories repositories() {
        return repositories;
    }

    public Repositories.Repo requireRepo(Transaction tx, String name) {
        return repositories.find(tx, name).orElseThrow(() -> RegistryError.nameUnknown(name));
    }

    public Repositories.Repo requireRepo(String name) {
        return store.read(tx -> requireRepo(tx, name));
    }

    /** The outcome of a manifest push. */
    public record Pushed(ImageRecord image, boolean created) {}

    /**
     * Stores a manifest in {@code repo}, tagged {@code tag} (null = untagged). {@code expected}, when
     * given, is the digest the client named; the bytes must have it.
     */
    public Pushed putManifest(String repo, String tag, Digest expected, String contentType, byte[] body) {
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new RegistryError(Code.TAG_INVALID, "invalid tag '" + tag + "'");
        }
        if (body.length > MAX_MANIFEST) {
            throw new RegistryError(Code.MANIFEST_INVALID, "manifest invalid: larger than " + MAX_MANIFEST + " bytes");
        }
        requireRepo(repo);
        Digest digest = Digest.compute(expected == null ? Digest.Algorithm.SHA256 : expected.algorithm(), body);
        if (expected != null && !expected.equals(digest)) {
            throw new RegistryError(Code.DIGEST_INVALID, "the manifest has digest " + digest + ", not " + expected);
        }
        ParsedManifest parsed = ParsedManifest.parse(docs.mapper(), contentType, body);
        for (ParsedManifest.Descriptor d : parsed.blobs()) {
            if (stat(d.digest()).isEmpty()) {
                throw new RegistryError(Code.MANIFEST_BLOB_UNKNOWN, "blob unknown to registry: " + d.digest());
            }
        }
        storeManifestBlob(digest, body);
        ensureGcEpoch();
        return store.transact(tx -> {
            long epoch = lockGcEpoch(tx);
            long now = clock.millis();
            Repositories.Repo r = requireRepo(tx, repo);
            for (ParsedManifest.Descriptor d : parsed.blobs()) {
                String key = RegistryKinds.layerKey(repo, d.digest().toString());
                LayerLink link = docs.getForUpdate(tx, RegistryKinds.LAYER, key, LayerLink.class)
                        .filter(l -> stat(d.digest()).isPresent())
                        .orElseThrow(() -> new RegistryError(
                                Code.MANIFEST_BLOB_UNKNOWN,
                                "blob unknown to registry: " + d.digest() + " is not in repository " + repo));
                docs.put(tx, RegistryKinds.LAYER, key, link.referenced(epoch));
            }
            if (stat(digest).isEmpty()) {
                // Collected between the put above and this transaction (older than the grace period):
                // write it again while the epoch lock keeps the collector out. Idempotent.
                storeManifestBlob(digest, body);
            }
            for (ParsedManifest.Descriptor d : parsed.children()) {
                if (tx.get(
                                RegistryKinds.IMAGE,
                                RegistryKinds.imageKey(repo, d.digest().toString()))
                        .isEmpty()) {
                    throw new RegistryError(
                            Code.MANIFEST_REFERENCE_UNKNOWN,
                            "manifest unknown: the index references " + d.digest() + ", which is not in repository "
                                    + repo);
                }
            }
            String imageKey = RegistryKinds.imageKey(repo, digest.toString());
            Optional<ImageRecord> existing = docs.getForUpdate(tx, RegistryKinds.IMAGE, imageKey, ImageRecord.class);
            if (tag != null) {
                Optional<TagRecord> current =
                        docs.getForUpdate(tx, RegistryKinds.TAG, RegistryKinds.tagKey(repo, tag), TagRecord.class);
                if (current.isPresent() && !current.get().digest().equals(digest.toString()) && !r.tagMutable(tag)) {
                    throw new RegistryError(
                            Code.TAG_IMMUTABLE,
                            "The image tag '" + tag + "' already exists in the '" + repo
                                    + "' repository and cannot be overwritten because the repository is immutable.");
                }
                if (current.isEmpty() || !current.get().digest().equals(digest.toString())) {
                    docs.put(
                            tx,
                            RegistryKinds.TAG,
                            RegistryKinds.tagKey(repo, tag),
                            new TagRecord(tag, digest.toString(), now));
                }
            }
            List<String> refs = new ArrayList<>();
            parsed.blobs().forEach(d -> refs.add(d.digest().toString()));
            parsed.children().forEach(d -> refs.add(d.digest().toString()));
            ImageRecord image = new ImageRecord(
                    repo,
                    digest.toString(),
                    parsed.mediaType(),
                    body.length,
                    parsed.imageSize(body.length),
                    refs,
                    parsed.subject() == null ? null : parsed.subject().digest().toString(),
                    parsed.artifactType(),
                    parsed.config() == null ? null : parsed.config().mediaType(),
                    parsed.annotations(),
                    existing.map(ImageRecord::pushedAt).orElse(now),
                    existing.map(ImageRecord::lastPulledAt).orElse(null));
            docs.put(tx, RegistryKinds.IMAGE, imageKey, image);
            if (parsed.subject() != null) {
                docs.put(
                        tx,
                        RegistryKinds.REFERRER,
                        RegistryKinds.referrerKey(repo, image.subject(), image.digest()),
                        new ReferrerRecord(
                                image.digest(),
                                image.mediaType(),
                                image.size(),
                                image.artifactType(),
                                image.annotations()));
            }
            return new Pushed(image, existing.isEmpty());
        });
    }

    private void storeManifestBlob(Digest digest, byte[] body) {
        try {
            blobs.put(digest, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (BlobStore.DigestMismatchException e) {
            throw new IllegalStateException("a digest computed twice differs", e);
        }
    }

    private volatile boolean gcEpochExists;

    /** Creates the garbage collection epoch document once, so that locking it always locks a row. */
    public void ensureGcEpoch() {
        if (!gcEpochExists) {
            store.transact(tx -> tx.insert(RegistryKinds.GC, RegistryKinds.GC_EPOCH, "{\"epoch\":1}"));
            gcEpochExists = true;
        }
    }

    /**
     * Locks the garbage collection epoch row until the transaction ends and returns the epoch. A
     * collection bumps it (under the same lock) before it marks, and deletes blob files only while
     * holding it, so a transaction holding it sees blobs that stay until it commits.
     */
    public long lockGcEpoch(Transaction tx) {
        Entry e = tx.getForUpdate(RegistryKinds.GC, RegistryKinds.GC_EPOCH)
                .orElseThrow(() -> new IllegalStateException("the registry-gc epoch document is missing"));
        String json = e.json();
        return Long.parseLong(json.replaceAll("[^0-9]", ""));
    }

    /** The manifest a tag or digest names in {@code repo}, if any. */
    public Optional<ImageRecord> resolve(Transaction tx, String repo, String reference) {
        String digest = reference;
        if (!Digest.looksLikeDigest(reference)) {
            Optional<TagRecord> tag =
                    docs.get(tx, RegistryKinds.TAG, RegistryKinds.tagKey(repo, reference), TagRecord.class);
            if (tag.isEmpty()) {
                return Optional.empty();
            }
            digest = tag.get().digest();
        }
        return docs.get(tx, RegistryKinds.IMAGE, RegistryKinds.imageKey(repo, digest), ImageRecord.class);
    }

    /** The manifest bytes of a stored image. */
    public byte[] manifestBytes(ImageRecord image) {
        Digest d = Digest.parse(image.digest()).orElseThrow();
        try {
            Optional<InputStream> in = blobs.open(d, 0);
            if (in.isEmpty()) {
                throw new IllegalStateException(
                        "the manifest blob " + d + " of " + image.repositoryName() + " is missing");
            }
            try (InputStream s = in.get()) {
                return s.readNBytes(MAX_MANIFEST + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records a pull (ECR's lastRecordedPullTime), at most once a minute per image to spare the store. */
    public void recordPull(String repo, String digest) {
        long now = clock.millis();
        store.transact(tx -> {
            String key = RegistryKinds.imageKey(repo, digest);
            docs.getForUpdate(tx, RegistryKinds.IMAGE, key, ImageRecord.class)
                    .filter(i -> i.lastPulledAt() == null || now - i.lastPulledAt() >= 60_000)
                    .ifPresent(i -> docs.put(tx, RegistryKinds.IMAGE, key, i.withLastPulledAt(now)));
            return null;
        });
    }

    public Optional<BlobStore.BlobInfo> stat(Digest d) {
        try {
            return blobs.stat(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The blob link of {@code digest} in {@code repo}, when the blob is both linked and stored. */
    public Optional<LayerLink> visibleBlob(String repo, Digest digest) {
        Optional<LayerLink> link = store.read(tx ->
                docs.get(tx, RegistryKinds.LAYER, RegistryKinds.layerKey(repo, digest.toString()), LayerLink.class));
        return link.filter(l -> stat(digest).isPresent());
    }

    /**
     * Makes a stored blob visible in {@code repo} (idempotent); the repository must exist. Under the
     * epoch lock the blob must still be stored (garbage collection may have taken it since it was
     * written, when that was longer ago than the grace period): else BLOB_UPLOAD_INVALID, and the
     * client pushes it again. Callers must have called {@link #ensureGcEpoch()}.
     */
    public LayerLink link(Transaction tx, String repo, Digest digest, long size) {
        lockGcEpoch(tx);
        requireRepo(tx, repo);
        if (stat(digest).isEmpty()) {
            throw new RegistryError(
                    Code.BLOB_UPLOAD_INVALID,
                    "the blob " + digest + " was garbage collected while it was being linked; push it again");
        }
        String key = RegistryKinds.layerKey(repo, digest.toString());
        long now = clock.millis();
        LayerLink link = docs.getForUpdate(tx, RegistryKinds.LAYER, key, LayerLink.class)
                .map(l -> new LayerLink(l.digest(), size, now, l.referencedEpoch()))
                .orElse(new LayerLink(digest.toString(), size, now, 0));
        docs.put(tx, RegistryKinds.LAYER, key, link);
        return link;
    }

    /**
     * Deletes the manifest {@code digest} from {@code repo} with its tags and its referrer entry.
     * A manifest an index of the repository still lists cannot be deleted.
     */
    public ImageRecord deleteImage(Transaction tx, String repo, String digest) {
        String key = RegistryKinds.imageKey(repo, digest);
        ImageRecord image = docs.getForUpdate(tx, RegistryKinds.IMAGE, key, ImageRecord.class)
                .orElseThrow(() -> new RegistryError(Code.MANIFEST_UNKNOWN, "manifest unknown: " + digest));
        StorePages.forEach(tx, RegistryKinds.IMAGE, RegistryKinds.imagePrefix(repo), e -> {
            ImageRecord other = docs.read(e, ImageRecord.class);
            if (other.isIndex()
                    && !other.digest().equals(digest)
                    && other.references().contains(digest)) {
                throw new RegistryError(
                        Code.MANIFEST_REFERENCED,
                        "The image " + digest + " is referenced by the manifest list " + other.digest()
                                + " and cannot be deleted.");
            }
        });
        for (TagRecord t : tagsOf(tx, repo, digest)) {
            tx.delete(RegistryKinds.TAG, RegistryKinds.tagKey(repo, t.tag()));
        }
        if (image.subject() != null) {
            tx.delete(RegistryKinds.REFERRER, RegistryKinds.referrerKey(repo, image.subject(), digest));
        }
        tx.delete(RegistryKinds.IMAGE, key);
        return image;
    }

    /** The tags of {@code repo} pointing at {@code digest}. */
    public List<TagRecord> tagsOf(Transaction tx, String repo, String digest) {
        List<TagRecord> out = new ArrayList<>();
        StorePages.forEach(tx, RegistryKinds.TAG, RegistryKinds.tagPrefix(repo), e -> {
            TagRecord t = docs.read(e, TagRecord.class);
            if (t.digest().equals(digest)) {
                out.add(t);
            }
        });
        return out;
    }

    /** Tags of {@code repo} after {@code last} (null = first), at most {@code n}; and whether more remain. */
    public StorePages.Listing<String> tags(Transaction tx, String repo, String last, int n) {
        String after = last == null ? null : RegistryKinds.tagKey(repo, last);
        return StorePages.list(
                tx,
                RegistryKinds.TAG,
                RegistryKinds.tagPrefix(repo),
                after,
                n,
                e -> Optional.of(docs.read(e, TagRecord.class).tag()));
    }

    /** The referrers of {@code subject} in {@code repo}, optionally only those of one artifact type. */
    public List<ReferrerRecord> referrers(Transaction tx, String repo, String subject, String artifactType) {
        List<ReferrerRecord> out = new ArrayList<>();
        StorePages.forEach(tx, RegistryKinds.REFERRER, RegistryKinds.referrerPrefix(repo, subject), e -> {
            ReferrerRecord r = docs.read(e, ReferrerRecord.class);
            if (artifactType == null || artifactType.equals(r.artifactType())) {
                out.add(r);
            }
        });
        return out;
    }

    public ImageRecord read(Entry e) {
        return docs.read(e, ImageRecord.class);
    }

    public Documents docs() {
        return docs;
    }

    public Clock clock() {
        return clock;
    }
}
