package dev.berth.objects;

import dev.berth.objects.ObjectRecords.Bucket;
import dev.berth.objects.ObjectRecords.Headers;
import dev.berth.objects.ObjectRecords.Item;
import dev.berth.objects.ObjectRecords.Listing;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Buckets and objects: metadata in the {@link StateStore}, bytes in {@link ObjectFiles}. This is the
 * object endpoint without HTTP, so the S3 handler, the ECS environment-file resolver and tests share
 * one implementation of S3's rules.
 *
 * <p>Write order for every change: bytes first (staged, fsync'ed, renamed into place), then one
 * transaction that checks the bucket and switches the document, then the file the document named
 * before is deleted. A failed transaction deletes the new file instead. Transactions are never
 * nested; no file I/O happens inside one except the final unlink after it committed.
 *
 * <p>Thread-safe: state lives in the store; concurrent writes of one key are last-writer-wins, as in S3.
 */
public final class ObjectStore {

    /** Largest object a single PutObject (or one part) may carry: 5 GiB, as in S3. */
    public static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** Longest object key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** S3's largest ListObjectsV2 page. */
    public static final int MAX_KEYS = 1000;

    private static final String AFTER_EVERYTHING = new String(Character.toChars(Character.MAX_CODE_POINT));

    private final StateStore store;
    private final Documents docs;
    private final ObjectFiles files;
    private final Clock clock;
    private final String region;

    public ObjectStore(StateStore store, Documents docs, Path root, Clock clock, String region) {
        this.store = store;
        this.docs = docs;
        this.files = new ObjectFiles(root);
        this.clock = clock;
        this.region = region;
    }

    ObjectFiles files() {
        return files;
    }

    StateStore store() {
        return store;
    }

    Documents docs() {
        return docs;
    }

    Clock clock() {
        return clock;
    }

    String region() {
        return region;
    }

    // ---- buckets

    /**
     * Creates a bucket. Re-creating one's own bucket succeeds in us-east-1 (S3's legacy behaviour)
     * and is {@code BucketAlreadyOwnedByYou} elsewhere; another account's is {@code BucketAlreadyExists}.
     */
    Bucket createBucket(String name, String owner) {
        BucketNames.check(name);
        return store.transact(tx -> {
            Optional<Bucket> existing = docs.get(tx, ObjectRecords.BUCKET, name, Bucket.class);
            if (existing.isPresent()) {
                if (!existing.get().owner().equals(owner)) {
                    throw S3Errors.alreadyExists(name);
                }
                if (region.equals("us-east-1")) {
                    return existing.get();
                }
                throw S3Errors.alreadyOwnedByYou(name);
            }
            Bucket b = new Bucket(name, tx.increment("s3-bucket-id"), owner, region, clock.millis());
            docs.insert(tx, ObjectRecords.BUCKET, name, b);
            return b;
        });
    }

    /** The bucket, if the caller's account may use it. */
    Bucket bucket(Transaction tx, String name, String account) {
        if (!BucketNames.valid(name)) {
            throw S3Errors.noSuchBucket(name);
        }
        Bucket b =
                docs.get(tx, ObjectRecords.BUCKET, name, Bucket.class).orElseThrow(() -> S3Errors.noSuchBucket(name));
        if (!b.owner().equals(account)) {
            throw new S3Errors.S3Exception("AccessDenied", 403, "Access Denied", null, null);
        }
        return b;
    }

    Bucket bucket(String name, String account) {
        return store.read(tx -> bucket(tx, name, account));
    }

    List<Bucket> buckets(String account) {
        return store.read(tx -> {
            List<Bucket> out = new ArrayList<>();
            dev.berth.store.StorePages.forEach(tx, ObjectRecords.BUCKET, "", e -> {
                Bucket b = docs.read(e, Bucket.class);
                if (b.owner().equals(account)) {
                    out.add(b);
                }
            });
            return out;
        });
    }

    void deleteBucket(String name, String account) {
        store.transact(tx -> {
            Bucket b = bucket(tx, name, account);
            if (tx.count(ObjectRecords.objectKind(b.id()), "") > 0 || hasUploads(tx, b)) {
                throw S3Errors.notEmpty(name);
            }
            tx.delete(ObjectRecords.BUCKET, name);
            return null;
        });
    }

    private boolean hasUploads(Transaction tx, Bucket b) {
        boolean[] found = {false};
        dev.berth.store.StorePages.forEach(tx, ObjectRecords.UPLOAD, "", e -> {
            found[0] |= docs.read(e, ObjectRecords.Upload.class).bucketId() == b.id();
        });
        return found[0];
    }

    // ---- objects

    static void checkKey(String key) {
        if (key.isEmpty()) {
            throw S3Errors.invalidArgument("Object key must not be empty", "key", key);
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw S3Errors.keyTooLong();
        }
        if (key.indexOf('\0') >= 0) {
            throw S3Errors.invalidArgument("Object key contains a NUL character", "key", key);
        }
    }

    /** Streams a body into a staged file; the caller commits it with {@link #put} or discards it. */
    ObjectFiles.Staged stage(InputStream body, long maxBytes) throws IOException {
        return files.stage(body, maxBytes);
    }

    void discard(ObjectFiles.Staged staged) {
        files.discard(staged);
    }

    /** Makes a staged body the object {@code bucket/key}. */
    Item put(String bucket, String account, String key, ObjectFiles.Staged staged, String etag, Headers headers)
            throws IOException {
        checkKey(key);
        String file = files.commit(staged);
        return install(bucket, account, key, staged.size(), etag, file, headers);
    }

    /** Points {@code bucket/key} at an already committed data file, deleting the file it replaced. */
    Item install(String bucket, String account, String key, long size, String etag, String file, Headers headers) {
        Item item = new Item(key, size, etag, clock.millis(), file, headers);
        String[] replaced = {null};
        try {
            store.transact(tx -> {
                Bucket b = bucket(tx, bucket, account);
                String kind = ObjectRecords.objectKind(b.id());
                docs.getForUpdate(tx, kind, key, Item.class).ifPresent(old -> replaced[0] = old.file());
                docs.put(tx, kind, key, item);
                return null;
            });
        } catch (RuntimeException e) {
            files.delete(file);
            throw e;
        }
        files.delete(replaced[0]);
        return item;
    }

    Item get(String bucket, String account, String key) {
        return store.read(tx -> {
            Bucket b = bucket(tx, bucket, account);
            return docs.get(tx, ObjectRecords.objectKind(b.id()), key, Item.class)
                    .orElseThrow(() -> S3Errors.noSuchKey(key));
        });
    }

    /** The object's bytes, for a reader holding its {@link Item}. */
    Path path(Item item) {
        return files.path(item.file());
    }

    /**
     * Reads a whole object inside the caller's transaction (for small objects such as ECS
     * environment files), or empty when the bucket or key does not exist.
     */
    public Optional<byte[]> readSmall(Transaction tx, String bucket, String key, int maxBytes) throws IOException {
        if (!BucketNames.valid(bucket)) {
            return Optional.empty();
        }
        Optional<Bucket> b = docs.get(tx, ObjectRecords.BUCKET, bucket, Bucket.class);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        Optional<Item> item = docs.get(tx, ObjectRecords.objectKind(b.get().id()), key, Item.class);
        if (item.isEmpty()) {
            return Optional.empty();
        }
        if (item.get().size() > maxBytes) {
            throw new IOException("the object is " + item.get().size() + " bytes, more than " + maxBytes);
        }
        return Optional.of(
                java.nio.file.Files.readAllBytes(files.path(item.get().file())));
    }

    /**
     * Reads an object for a task that is starting (ECS environment files), inside the caller's
     * transaction: S3's {@code NoSuchBucket} or {@code NoSuchKey} when it is missing.
     */
    public byte[] readForTask(Transaction tx, String bucket, String key, int maxBytes) throws IOException {
        if (!BucketNames.valid(bucket) || tx.get(ObjectRecords.BUCKET, bucket).isEmpty()) {
            throw S3Errors.noSuchBucket(bucket).error();
        }
        return readSmall(tx, bucket, key, maxBytes)
                .orElseThrow(() -> S3Errors.noSuchKey(key).error());
    }

    /** Deletes an object; deleting a missing key succeeds, as in S3. */
    void delete(String bucket, String account, String key) {
        String[] file = {null};
        store.transact(tx -> {
            Bucket b = bucket(tx, bucket, account);
            String kind = ObjectRecords.objectKind(b.id());
            docs.getForUpdate(tx, kind, key, Item.class).ifPresent(old -> {
                file[0] = old.file();
                tx.delete(kind, key);
            });
            return null;
        });
        files.delete(file[0]);
    }

    /**
     * One ListObjectsV2 page: keys under {@code prefix} after {@code after}, keys sharing a
     * {@code delimiter} after the prefix rolled up into common prefixes (each counting once
     * toward {@code max}), in UTF-8 binary order as S3 lists them.
     */
    Listing list(String bucket, String account, String prefix, String delimiter, String after, int max) {
        return store.read(tx -> {
            Bucket b = bucket(tx, bucket, account);
            String kind = ObjectRecords.objectKind(b.id());
            List<Item> contents = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            String cursor = after;
            boolean useDelimiter = delimiter != null && !delimiter.isEmpty();
            if (cursor != null && !cursor.isEmpty() && useDelimiter && cursor.startsWith(prefix)) {
                // a token that ended on a common prefix resumes after everything it rolled up
                int i = cursor.indexOf(delimiter, prefix.length());
                if (i >= 0 && cursor.length() == i + delimiter.length()) {
                    cursor = cursor + AFTER_EVERYTHING;
                }
            }
            if (cursor != null && cursor.isEmpty()) {
                cursor = null;
            }
            int count = 0;
            String last = null;
            scan:
            while (count < max) {
                Page page = tx.scan(kind, prefix, cursor, Math.min(1000, Math.max(1, max - count) + 1));
                if (page.entries().isEmpty()) {
                    break;
                }
                for (Entry e : page.entries()) {
                    String key = e.key();
                    int d = useDelimiter ? key.indexOf(delimiter, prefix.length()) : -1;
                    if (d >= 0) {
                        String common = key.substring(0, d + delimiter.length());
                        prefixes.add(common);
                        last = common;
                        cursor = common + AFTER_EVERYTHING;
                        if (++count >= max) {
                            break scan;
                        }
                        continue scan; // rescan past everything under this prefix
                    }
                    contents.add(docs.read(e, Item.class));
                    last = key;
                    cursor = key;
                    if (++count >= max) {
                        break scan;
                    }
                }
                if (!page.hasMore()) {
                    break;
                }
            }
            boolean truncated = count >= max
                    && cursor != null
                    && !tx.scan(kind, prefix, cursor, 1).entries().isEmpty();
            return new Listing(contents, prefixes, truncated, truncated ? last : null);
        });
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
