package dev.berth.registry.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.PageTokens;
import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.meta.ImageRecord;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.TagRecord;
import dev.berth.registry.storage.Digest;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECR's image operations over the registry's own metadata: ListImages, DescribeImages,
 * BatchGetImage, BatchDeleteImage and PutImage. They see exactly what {@code docker push} stored
 * (one set of documents, {@link Images}), and PutImage obeys the same rules as a manifest PUT
 * under {@code /v2/}: existing repository, blobs present, immutable tags kept.
 */
public final class ImageApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final java.util.regex.Pattern LAYER_DIGEST =
            java.util.regex.Pattern.compile("[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+");

    private final Images images;

    public ImageApi(Images images) {
        this.images = images;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("ListImages", this::listImages);
        ops.put("DescribeImages", this::describeImages);
        ops.put("BatchGetImage", this::batchGetImage);
        ops.put("BatchDeleteImage", this::batchDeleteImage);
        ops.put("PutImage", this::putImage);
        return ops;
    }

    /** The repository name of a call, checking registryId (only this account's registry exists). */
    static String repository(CallContext call, ObjectNode in) {
        String repo = in.path("repositoryName").asText();
        if (in.hasNonNull("registryId") && !in.get("registryId").asText().equals(call.accountId())) {
            throw ImageErrors.repositoryNotFound(repo, in.get("registryId").asText());
        }
        return repo;
    }

    private void requireRepo(Transaction tx, CallContext call, String repo) {
        if (images.repositories().find(tx, repo).isEmpty()) {
            throw ImageErrors.repositoryNotFound(repo, call.accountId());
        }
    }

    private static int maxResults(ObjectNode in, int dflt) {
        return in.hasNonNull("maxResults") ? in.get("maxResults").asInt() : dflt;
    }

    private static String tagStatus(ObjectNode in) {
        return in.path("filter").path("tagStatus").asText("ANY");
    }

    /** Tags of a repository grouped by digest, in tag order. */
    private Map<String, List<String>> tagsByDigest(Transaction tx, String repo) {
        Map<String, List<String>> out = new HashMap<>();
        StorePages.forEach(tx, RegistryKinds.TAG, RegistryKinds.tagPrefix(repo), e -> {
            TagRecord t = images.docs().read(e, TagRecord.class);
            out.computeIfAbsent(t.digest(), k -> new ArrayList<>()).add(t.tag());
        });
        return out;
    }

    private static boolean matches(String status, List<String> tags) {
        return switch (status) {
            case "TAGGED" -> !tags.isEmpty();
            case "UNTAGGED" -> tags.isEmpty();
            default -> true;
        };
    }

    /**
     * One page of images of {@code repo} matching the tag status, by image key; a page ends at an
     * image boundary once it holds {@code max} entries.
     */
    private record ImagePage(List<ImageRecord> images, Map<String, List<String>> tags, String resumeAfter) {}

    private ImagePage page(Transaction tx, String repo, String after, int max, String status, boolean countTags) {
        Map<String, List<String>> tags = tagsByDigest(tx, repo);
        List<ImageRecord> out = new ArrayList<>();
        int entries = 0;
        String cursor = after;
        while (true) {
            Page page = tx.scan(RegistryKinds.IMAGE, RegistryKinds.imagePrefix(repo), cursor, 500);
            List<Entry> list = page.entries();
            for (int i = 0; i < list.size(); i++) {
                ImageRecord img = images.read(list.get(i));
                List<String> t = tags.getOrDefault(img.digest(), List.of());
                if (!matches(status, t)) {
                    continue;
                }
                out.add(img);
                entries += countTags ? Math.max(1, t.size()) : 1;
                if (entries >= max) {
                    boolean more = page.hasMore() || i < list.size() - 1;
                    return new ImagePage(out, tags, more ? list.get(i).key() : null);
                }
            }
            if (!page.hasMore()) {
                return new ImagePage(out, tags, null);
            }
            cursor = page.nextKey();
        }
    }

    private JsonNode listImages(CallContext call, ObjectNode in) {
        String repo = repository(call, in);
        int max = maxResults(in, 1000);
        String after = after("ListImages", repo, in);
        ImagePage page = images.store().read(tx -> {
            requireRepo(tx, call, repo);
            return page(tx, repo, after, max, tagStatus(in), true);
        });
        ObjectNode out = JSON.objectNode();
        ArrayNode ids = out.putArray("imageIds");
        for (ImageRecord img : page.images()) {
            List<String> tags = page.tags().getOrDefault(img.digest(), List.of());
            if (tags.isEmpty()) {
                ids.addObject().put("imageDigest", img.digest());
            }
            for (String t : tags) {
                ids.addObject().put("imageDigest", img.digest()).put("imageTag", t);
            }
        }
        String next = PageTokens.encode("ListImages\n" + repo, page.resumeAfter());
        if (next != null) {
            out.put("nextToken", next);
        }
        return out;
    }

    private JsonNode describeImages(CallContext call, ObjectNode in) {
        String repo = repository(call, in);
        JsonNode ids = in.get("imageIds");
        if (ids != null && in.hasNonNull("nextToken")) {
            throw ImageErrors.invalidParameter("Invalid parameter: nextToken cannot be used with imageIds");
        }
        if (ids != null && in.hasNonNull("maxResults")) {
            throw ImageErrors.invalidParameter("Invalid parameter: maxResults cannot be used with imageIds");
        }
        ObjectNode out = JSON.objectNode();
        ArrayNode details = out.putArray("imageDetails");
        if (ids != null) {
            images.store().read(tx -> {
                requireRepo(tx, call, repo);
                Map<String, List<String>> tags = tagsByDigest(tx, repo);
                Map<String, ImageRecord> seen = new LinkedHashMap<>();
                for (JsonNode id : ids) {
                    ImageRecord img = find(tx, repo, id)
                            .orElseThrow(() -> new AwsException(
                                    "ImageNotFoundException",
                                    400,
                                    "The image with imageId " + describeId(id)
                                            + " does not exist within the repository with name '" + repo
                                            + "' in the registry with id '" + call.accountId() + "'"));
                    seen.putIfAbsent(img.digest(), img);
                }
                seen.values()
                        .forEach(img -> details.add(detail(call, img, tags.getOrDefault(img.digest(), List.of()))));
                return null;
            });
            return out;
        }
        int max = maxResults(in, 100);
        String after = after("DescribeImages", repo, in);
        ImagePage page = images.store().read(tx -> {
            requireRepo(tx, call, repo);
            return page(tx, repo, after, max, tagStatus(in), false);
        });
        page.images().forEach(img -> details.add(detail(call, img, page.tags().getOrDefault(img.digest(), List.of()))));
        String next = PageTokens.encode("DescribeImages\n" + repo, page.resumeAfter());
        if (next != null) {
            out.put("nextToken", next);
        }
        return out;
    }

    private static String describeId(JsonNode id) {
        return "{imageDigest:'" + id.path("imageDigest").asText("null") + "', imageTag:'"
                + id.path("imageTag").asText("null") + "'}";
    }

    private ObjectNode detail(CallContext call, ImageRecord img, List<String> tags) {
        ObjectNode d = JSON.objectNode()
                .put("registryId", call.accountId())
                .put("repositoryName", img.repositoryName())
                .put("imageDigest", img.digest());
        if (!tags.isEmpty()) {
            ArrayNode t = d.putArray("imageTags");
            tags.forEach(t::add);
        }
        d.put("imageSizeInBytes", img.imageSizeInBytes())
                .put("imagePushedAt", img.pushedAt() / 1000.0)
                .put("imageManifestMediaType", img.mediaType());
        String artifact = img.artifactType() != null ? img.artifactType() : img.configMediaType();
        if (artifact != null) {
            d.put("artifactMediaType", artifact);
        }
        if (img.lastPulledAt() != null) {
            d.put("lastRecordedPullTime", img.lastPulledAt() / 1000.0);
        }
        return d;
    }

    /** The image an ImageIdentifier names, or empty; an identifier naming nothing valid is empty too. */
    private Optional<ImageRecord> find(Transaction tx, String repo, JsonNode id) {
        String digest = id.hasNonNull("imageDigest") ? id.get("imageDigest").asText() : null;
        String tag = id.hasNonNull("imageTag") ? id.get("imageTag").asText() : null;
        Optional<ImageRecord> img = digest != null
                ? images.resolve(tx, repo, digest)
                : tag != null ? images.resolve(tx, repo, tag) : Optional.empty();
        if (img.isPresent()
                && digest != null
                && tag != null
                && !images.resolve(tx, repo, tag)
                        .map(ImageRecord::digest)
                        .equals(Optional.of(img.get().digest()))) {
            return Optional.empty();
        }
        return img;
    }

    /** The failure an identifier earns before any lookup, or null when it is well formed. */
    private static ObjectNode badId(JsonNode id) {
        String digest = id.hasNonNull("imageDigest") ? id.get("imageDigest").asText() : null;
        String tag = id.hasNonNull("imageTag") ? id.get("imageTag").asText() : null;
        if (digest == null && tag == null) {
            return failure(id, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null");
        }
        if (digest != null
                && (!LAYER_DIGEST.matcher(digest).matches()
                        || Digest.parse(digest).isEmpty())) {
            return failure(
                    id,
                    "InvalidImageDigest",
                    "Invalid request parameters: image digest should satisfy the regex "
                            + "'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
        }
        if (tag != null && !Images.TAG.matcher(tag).matches()) {
            return failure(id, "InvalidImageTag", "Invalid request parameters: image tag '" + tag + "' is not valid");
        }
        return null;
    }

    private static ObjectNode failure(JsonNode id, String code, String reason) {
        ObjectNode f = JSON.objectNode();
        f.set("imageId", id.deepCopy());
        return f.put("failureCode", code).put("failureReason", reason);
    }

    private JsonNode batchGetImage(CallContext call, ObjectNode in) {
        String repo = repository(call, in);
        List<String> accepted = new ArrayList<>();
        in.path("acceptedMediaTypes").forEach(t -> accepted.add(t.asText()));
        ObjectNode out = JSON.objectNode();
        ArrayNode imagesOut = out.putArray("images");
        ArrayNode failures = out.putArray("failures");
        List<ImageRecord> pulled = new ArrayList<>();
        images.store().read(tx -> {
            requireRepo(tx, call, repo);
            for (JsonNode id : in.path("imageIds")) {
                ObjectNode bad = badId(id);
                if (bad != null) {
                    failures.add(bad);
                    continue;
                }
                Optional<ImageRecord> img = find(tx, repo, id);
                if (img.isEmpty()) {
                    failures.add(failure(id, "ImageNotFound", "Requested image not found"));
                    continue;
                }
                if (!accepted.isEmpty() && !accepted.contains(img.get().mediaType())) {
                    failures.add(failure(
                            id,
                            "UnsupportedImageType",
                            "The image's manifest media type " + img.get().mediaType()
                                    + " is not one of the acceptedMediaTypes"));
                    continue;
                }
                ObjectNode image = imagesOut
                        .addObject()
                        .put("registryId", call.accountId())
                        .put("repositoryName", repo);
                ObjectNode imageId =
                        image.putObject("imageId").put("imageDigest", img.get().digest());
                if (id.hasNonNull("imageTag")) {
                    imageId.put("imageTag", id.get("imageTag").asText());
                }
                image.put("imageManifest", new String(images.manifestBytes(img.get()), StandardCharsets.UTF_8))
                        .put("imageManifestMediaType", img.get().mediaType());
                pulled.add(img.get());
            }
            return null;
        });
        pulled.forEach(img -> images.recordPull(repo, img.digest()));
        return out;
    }

    private JsonNode batchDeleteImage(CallContext call, ObjectNode in) {
        String repo = repository(call, in);
        ObjectNode out = JSON.objectNode();
        ArrayNode deleted = out.putArray("imageIds");
        ArrayNode failures = out.putArray("failures");
        images.store().read(tx -> {
            requireRepo(tx, call, repo);
            return null;
        });
        for (JsonNode id : in.path("imageIds")) {
            ObjectNode bad = badId(id);
            if (bad != null) {
                failures.add(bad);
                continue;
            }
            try {
                List<ObjectNode> gone = images.store().transact(tx -> deleteOne(tx, repo, id));
                if (gone.isEmpty()) {
                    failures.add(failure(id, "ImageNotFound", "Requested image not found"));
                } else {
                    gone.forEach(deleted::add);
                }
            } catch (RegistryError e) {
                if (e.code() == RegistryError.Code.MANIFEST_REFERENCED) {
                    failures.add(failure(id, "ImageReferencedByManifestList", e.getMessage()));
                } else {
                    throw ImageErrors.of(e, repo, call.accountId());
                }
            }
        }
        return out;
    }

    /** Deletes what one identifier names: a tag (and its image when no tag is left) or an image with all its tags. */
    private List<ObjectNode> deleteOne(Transaction tx, String repo, JsonNode id) {
        Optional<ImageRecord> img = find(tx, repo, id);
        if (img.isEmpty()) {
            return List.of();
        }
        String digest = img.get().digest();
        List<ObjectNode> out = new ArrayList<>();
        if (id.hasNonNull("imageTag") && !id.hasNonNull("imageDigest")) {
            String tag = id.get("imageTag").asText();
            tx.delete(RegistryKinds.TAG, RegistryKinds.tagKey(repo, tag));
            out.add(JSON.objectNode().put("imageDigest", digest).put("imageTag", tag));
            if (!images.tagsOf(tx, repo, digest).isEmpty()) {
                return out;
            }
            images.deleteImage(tx, repo, digest);
            return out;
        }
        List<TagRecord> tags = images.tagsOf(tx, repo, digest);
        images.deleteImage(tx, repo, digest);
        if (tags.isEmpty()) {
            out.add(JSON.objectNode().put("imageDigest", digest));
        }
        tags.forEach(t -> out.add(JSON.objectNode().put("imageDigest", digest).put("imageTag", t.tag())));
        return out;
    }

    private JsonNode putImage(CallContext call, ObjectNode in) {
        String repo = repository(call, in);
        String manifest = in.path("imageManifest").asText();
        String tag = in.hasNonNull("imageTag") ? in.get("imageTag").asText() : null;
        Digest expected = null;
        if (in.hasNonNull("imageDigest")) {
            expected = Digest.parse(in.get("imageDigest").asText())
                    .orElseThrow(
                            () -> ImageErrors.invalidParameter(
                                    "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'must be a sha256 or sha512 digest'"));
        }
        byte[] body = manifest.getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.compute(expected == null ? Digest.Algorithm.SHA256 : expected.algorithm(), body);
        if (expected != null && !expected.equals(digest)) {
            throw new AwsException(
                    "ImageDigestDoesNotMatchException",
                    400,
                    "The provided image digest '" + expected + "' does not match the calculated digest '" + digest
                            + "'");
        }
        boolean exists = images.store().read(tx -> {
            requireRepo(tx, call, repo);
            if (tx.get(RegistryKinds.IMAGE, RegistryKinds.imageKey(repo, digest.toString()))
                    .isEmpty()) {
                return false;
            }
            return tag == null
                    || images.resolve(tx, repo, tag).map(ImageRecord::digest).equals(Optional.of(digest.toString()));
        });
        if (exists) {
            throw new AwsException(
                    "ImageAlreadyExistsException",
                    400,
                    "Image with digest '" + digest + "'"
                            + (tag == null ? "" : " and tag '" + tag + "'")
                            + " already exists in the repository with name '" + repo
                            + "' in registry with id '" + call.accountId() + "'");
        }
        Images.Pushed pushed;
        try {
            pushed = images.putManifest(
                    repo, tag, expected, in.path("imageManifestMediaType").asText(null), body);
        } catch (RegistryError e) {
            if (e.code() == RegistryError.Code.MANIFEST_BLOB_UNKNOWN) {
                throw new AwsException(
                        "LayersNotFoundException",
                        400,
                        "Layers with digests required for pushing image into "
                                + "repository with name '" + repo + "' in the registry with id '" + call.accountId()
                                + "' do not exist: " + e.getMessage());
            }
            throw ImageErrors.of(e, repo, call.accountId());
        }
        ObjectNode out = JSON.objectNode();
        ObjectNode image =
                out.putObject("image").put("registryId", call.accountId()).put("repositoryName", repo);
        ObjectNode imageId =
                image.putObject("imageId").put("imageDigest", pushed.image().digest());
        if (tag != null) {
            imageId.put("imageTag", tag);
        }
        image.put("imageManifest", manifest)
                .put("imageManifestMediaType", pushed.image().mediaType());
        return out;
    }

    /** The key to resume after for an image listing of one repository; the token is only valid for both. */
    private static String after(String operation, String repo, JsonNode in) {
        return PageTokens.decode(
                operation + "\n" + repo,
                in.hasNonNull("nextToken") ? in.get("nextToken").asText() : null,
                () -> ImageErrors.invalidParameter("Invalid parameter at 'nextToken' failed to satisfy constraint: "
                        + "'The token was not returned by a previous " + operation + " call for this repository'"));
    }
}
