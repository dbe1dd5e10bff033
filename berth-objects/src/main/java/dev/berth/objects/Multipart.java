package dev.berth.objects;

import dev.berth.objects.ObjectRecords.Bucket;
import dev.berth.objects.ObjectRecords.Headers;
import dev.berth.objects.ObjectRecords.Item;
import dev.berth.objects.ObjectRecords.Part;
import dev.berth.objects.ObjectRecords.Upload;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * S3 multipart uploads (what {@code aws s3 cp} uses above 8 MiB): create, upload parts, complete
 * (parts concatenated into one data file; ETag is the MD5 of the parts' binary MD5s, a hyphen and
 * the part count, as S3 computes it), abort. Each part is its own data file until completion;
 * re-uploading a part number replaces it. Limits as in S3: part numbers 1 to 10,000, every part but
 * the last at least 5 MiB.
 */
final class Multipart {

    static final int MAX_PARTS = 10_000;
    static final long MIN_PART = 5L * 1024 * 1024;

    private final ObjectStore objects;

    Multipart(ObjectStore objects) {
        this.objects = objects;
    }

    Upload create(String bucket, String account, String key, Headers headers) {
        ObjectStore.checkKey(key);
        return objects.store().transact(tx -> {
            Bucket b = objects.bucket(tx, bucket, account);
            String id = UUID.randomUUID().toString().replace("-", "")
                    + UUID.randomUUID().toString().replace("-", "");
            Upload u = new Upload(id, bucket, b.id(), key, objects.clock().millis(), account, headers);
            objects.docs().insert(tx, ObjectRecords.UPLOAD, id, u);
            return u;
        });
    }

    /** The upload, checked against the bucket and key the request names. */
    Upload upload(String bucket, String account, String key, String uploadId) {
        return objects.store().read(tx -> {
            Bucket b = objects.bucket(tx, bucket, account);
            return find(tx, b, key, uploadId);
        });
    }

    private Upload find(dev.berth.store.Transaction tx, Bucket b, String key, String uploadId) {
        if (uploadId == null || uploadId.isEmpty() || uploadId.length() > 512) {
            throw S3Errors.noSuchUpload(uploadId);
        }
        Upload u = objects.docs()
                .get(tx, ObjectRecords.UPLOAD, uploadId, Upload.class)
                .orElseThrow(() -> S3Errors.noSuchUpload(uploadId));
        if (u.bucketId() != b.id() || !u.key().equals(key)) {
            throw S3Errors.noSuchUpload(uploadId);
        }
        return u;
    }

    static int partNumber(String text) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_PARTS) {
            throw S3Errors.invalidArgument(
                    "Part number must be an integer between 1 and 10000, inclusive", "partNumber", text);
        }
        return n;
    }

    /** Records an uploaded part (its bytes already staged); returns its ETag (hex MD5). */
    String putPart(String bucket, String account, String key, String uploadId, int number, ObjectFiles.Staged staged)
            throws IOException {
        String file = objects.files().commit(staged);
        String md5 = HexFormat.of().formatHex(staged.md5());
        String[] replaced = {null};
        try {
            objects.store().transact(tx -> {
                Bucket b = objects.bucket(tx, bucket, account);
                find(tx, b, key, uploadId);
                String partKey = partKey(uploadId, number);
                objects.docs()
                        .getForUpdate(tx, ObjectRecords.PART, partKey, Part.class)
                        .ifPresent(p -> replaced[0] = p.file());
                objects.docs()
                        .put(
                                tx,
                                ObjectRecords.PART,
                                partKey,
                                new Part(
                                        uploadId,
                                        number,
                                        staged.size(),
                                        md5,
                                        objects.clock().millis(),
                                        file));
                return null;
            });
        } catch (RuntimeException e) {
            objects.files().delete(file);
            throw e;
        }
        objects.files().delete(replaced[0]);
        return md5;
    }

    /** A part named in a CompleteMultipartUpload request. */
    record Requested(int partNumber, String etag) {}

    Item complete(String bucket, String account, String key, String uploadId, List<Requested> requested)
            throws IOException {
        if (requested.isEmpty()) {
            throw S3Errors.malformedXml();
        }
        List<Part> parts = objects.store().read(tx -> {
            Bucket b = objects.bucket(tx, bucket, account);
            find(tx, b, key, uploadId);
            List<Part> out = new ArrayList<>();
            int previous = 0;
            for (Requested r : requested) {
                if (r.partNumber() <= previous) {
                    throw S3Errors.invalidPartOrder();
                }
                previous = r.partNumber();
                Part p = objects.docs()
                        .get(tx, ObjectRecords.PART, partKey(uploadId, r.partNumber()), Part.class)
                        .orElseThrow(S3Errors::invalidPart);
                if (!p.md5Hex().equalsIgnoreCase(unquote(r.etag()))) {
                    throw S3Errors.invalidPart();
                }
                out.add(p);
            }
            return out;
        });
        for (int i = 0; i < parts.size() - 1; i++) {
            if (parts.get(i).size() < MIN_PART) {
                throw S3Errors.entityTooSmall();
            }
        }
        MessageDigest md5s = ObjectFiles.md5();
        List<String> names = new ArrayList<>();
        for (Part p : parts) {
            md5s.update(HexFormat.of().parseHex(p.md5Hex()));
            names.add(p.file());
        }
        String etag = HexFormat.of().formatHex(md5s.digest()) + "-" + parts.size();
        ObjectFiles.Staged staged = objects.files().concat(names);
        String file = objects.files().commit(staged);
        Upload upload = upload(bucket, account, key, uploadId);
        Item item;
        try {
            item = objects.install(bucket, account, key, staged.size(), etag, file, upload.headers());
        } catch (RuntimeException e) {
            throw e; // install deleted the new file
        }
        removeUpload(uploadId);
        return item;
    }

    void abort(String bucket, String account, String key, String uploadId) {
        upload(bucket, account, key, uploadId);
        removeUpload(uploadId);
    }

    /** Deletes the upload's documents, then its part files. */
    private void removeUpload(String uploadId) {
        List<String> partFiles = objects.store().transact(tx -> {
            List<String> out = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            dev.berth.store.StorePages.forEach(tx, ObjectRecords.PART, uploadId + "/", e -> {
                out.add(objects.docs().read(e, Part.class).file());
                keys.add(e.key());
            });
            keys.forEach(k -> tx.delete(ObjectRecords.PART, k));
            tx.delete(ObjectRecords.UPLOAD, uploadId);
            return out;
        });
        partFiles.forEach(f -> objects.files().delete(f));
    }

    private static String partKey(String uploadId, int number) {
        return uploadId + "/" + String.format("%05d", number);
    }

    static String unquote(String etag) {
        String e = etag == null ? "" : etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
