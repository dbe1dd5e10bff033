package dev.berth.registry.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.auth.RegistryTokens;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.LayerLink;
import dev.berth.registry.meta.UploadSession;
import dev.berth.registry.meta.Uploads;
import dev.berth.registry.storage.Digest;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * ECR's layer operations: InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload,
 * BatchCheckLayerAvailability and GetDownloadUrlForLayer. Uploads use the same sessions and blob
 * store as the OCI push endpoints ({@link Uploads}), so a layer uploaded either way is the same
 * blob. Download URLs point at Berth's own {@code /v2/} blob endpoint with a registry password as
 * a query parameter (ECR answers with a pre-signed S3 URL of the same lifetime).
 */
public final class LayerApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The part size InitiateLayerUpload advertises. */
    static final long PART_SIZE = 10L * 1024 * 1024;

    private final Images images;
    private final Uploads uploads;
    private final RegistryTokens tokens;
    private final Supplier<String> endpoint;

    /** @param endpoint the registry's base URL ({@code http://host:port}), for download URLs */
    public LayerApi(Images images, Uploads uploads, RegistryTokens tokens, Supplier<String> endpoint) {
        this.images = images;
        this.uploads = uploads;
        this.tokens = tokens;
        this.endpoint = endpoint;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("InitiateLayerUpload", this::initiate);
        ops.put("UploadLayerPart", this::uploadPart);
        ops.put("CompleteLayerUpload", this::complete);
        ops.put("BatchCheckLayerAvailability", this::check);
        ops.put("GetDownloadUrlForLayer", this::downloadUrl);
        return ops;
    }

    private ObjectNode base(CallContext call, String repo) {
        return JSON.objectNode().put("registryId", call.accountId()).put("repositoryName", repo);
    }

    private JsonNode initiate(CallContext call, ObjectNode in) {
        String repo = ImageApi.repository(call, in);
        try {
            UploadSession s = uploads.start(repo, "ECR");
            return JSON.objectNode().put("uploadId", s.id()).put("partSize", PART_SIZE);
        } catch (RegistryError e) {
            throw ImageErrors.of(e, repo, call.accountId());
        }
    }

    private UploadSession session(CallContext call, String repo, String id) {
        try {
            images.requireRepo(repo);
            return uploads.require(repo, id);
        } catch (RegistryError e) {
            throw ImageErrors.of(e, repo, call.accountId());
        }
    }

    private JsonNode uploadPart(CallContext call, ObjectNode in) {
        String repo = ImageApi.repository(call, in);
        UploadSession s = session(call, repo, in.path("uploadId").asText());
        long first = in.path("partFirstByte").asLong();
        long last = in.path("partLastByte").asLong();
        byte[] part;
        try {
            // The front door reads this operation's big bodies with blobs already decoded (ShapedTrees).
            JsonNode blob = in.path("layerPartBlob");
            part = blob.isBinary() ? blob.binaryValue() : Base64.getDecoder().decode(blob.asText());
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ImageErrors.invalidParameter("Invalid parameter at 'layerPartBlob': not base64");
        }
        long size = uploads.size(s.id());
        if (first != size || last - first + 1 != part.length || part.length == 0) {
            throw new AwsException(
                    "InvalidLayerPartException",
                    400,
                    "The layer part size is not valid, or the first byte "
                            + "specified is not consecutive to the last byte of a previous layer part upload. lastValidByteReceived: "
                            + (size - 1));
        }
        try {
            long now = uploads.append(s, first, new ByteArrayInputStream(part), part.length);
            return base(call, repo).put("uploadId", s.id()).put("lastByteReceived", now - 1);
        } catch (Uploads.RangeMismatch e) {
            throw new AwsException(
                    "InvalidLayerPartException",
                    400,
                    "The first byte specified is not consecutive to the "
                            + "last byte of a previous layer part upload. lastValidByteReceived: " + (e.size() - 1));
        } catch (RegistryError e) {
            throw ImageErrors.of(e, repo, call.accountId());
        }
    }

    private JsonNode complete(CallContext call, ObjectNode in) {
        String repo = ImageApi.repository(call, in);
        UploadSession s = session(call, repo, in.path("uploadId").asText());
        JsonNode digests = in.path("layerDigests");
        if (digests.size() != 1) {
            throw ImageErrors.invalidParameter("Invalid parameter at 'layerDigests' failed to satisfy constraint: "
                    + "'Member must have length equal to 1'");
        }
        Digest d = Digest.parse(digests.get(0).asText())
                .orElseThrow(() -> new AwsException(
                        "InvalidLayerException",
                        400,
                        "The layer digest '" + digests.get(0).asText() + "' is not a valid sha256 or sha512 digest"));
        if (uploads.size(s.id()) == 0) {
            throw new AwsException(
                    "EmptyUploadException", 400, "The specified layer upload does not contain any layer parts.");
        }
        UploadSession current = images.store()
                .read(tx -> images.docs().get(tx, RegistryKinds.UPLOAD, s.id(), UploadSession.class))
                .orElse(s);
        if (current.smallPartFollowed()) {
            uploads.cancel(s);
            throw new AwsException(
                    "LayerPartTooSmallException",
                    400,
                    "Layer part size must be at least " + UploadSession.MIN_PART + " bytes, except for the last part");
        }
        if (images.visibleBlob(repo, d).isPresent()) {
            uploads.cancel(s);
            throw new AwsException(
                    "LayerAlreadyExistsException",
                    400,
                    "The layer '" + d + "' already exists in the " + "repository with name '" + repo
                            + "' in registry with id '" + call.accountId() + "'");
        }
        try {
            uploads.complete(s, d);
        } catch (RegistryError e) {
            if (e.code() == RegistryError.Code.DIGEST_INVALID) {
                throw new AwsException(
                        "InvalidLayerException",
                        400,
                        "The calculated digest of the uploaded layer does not " + "match '" + d + "': "
                                + e.getMessage());
            }
            throw ImageErrors.of(e, repo, call.accountId());
        }
        return base(call, repo).put("uploadId", s.id()).put("layerDigest", d.toString());
    }

    private JsonNode check(CallContext call, ObjectNode in) {
        String repo = ImageApi.repository(call, in);
        try {
            images.requireRepo(repo);
        } catch (RegistryError e) {
            throw ImageErrors.of(e, repo, call.accountId());
        }
        ObjectNode out = JSON.objectNode();
        ArrayNode layers = out.putArray("layers");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode n : in.path("layerDigests")) {
            String text = n.asText();
            Optional<Digest> d = Digest.parse(text);
            if (d.isEmpty()) {
                failures.addObject()
                        .put("layerDigest", text)
                        .put("failureCode", "InvalidLayerDigest")
                        .put("failureReason", "Invalid layer digest");
                continue;
            }
            Optional<LayerLink> link = images.visibleBlob(repo, d.get());
            if (link.isEmpty()) {
                failures.addObject()
                        .put("layerDigest", text)
                        .put("failureCode", "MissingLayerDigest")
                        .put("failureReason", "Could not find layer");
                continue;
            }
            layers.addObject()
                    .put("layerDigest", text)
                    .put("layerAvailability", "AVAILABLE")
                    .put("layerSize", link.get().size());
        }
        return out;
    }

    private JsonNode downloadUrl(CallContext call, ObjectNode in) {
        String repo = ImageApi.repository(call, in);
        String text = in.path("layerDigest").asText();
        try {
            images.requireRepo(repo);
        } catch (RegistryError e) {
            throw ImageErrors.of(e, repo, call.accountId());
        }
        Optional<Digest> d = Digest.parse(text);
        if (d.isEmpty() || images.visibleBlob(repo, d.get()).isEmpty()) {
            throw new AwsException(
                    "LayersNotFoundException",
                    400,
                    "The image layer '" + text + "' does not exist in the " + "repository with name '" + repo
                            + "' in the registry with id '" + call.accountId() + "'");
        }
        String password = tokens.issue(call.accessKeyId()).password();
        String url = endpoint.get() + "/v2/" + repo + "/blobs/" + d.get() + "?berth-token="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return JSON.objectNode()
                .put("downloadUrl", url)
                .put("layerDigest", d.get().toString());
    }
}
