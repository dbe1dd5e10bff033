package dev.berth.registry.meta;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.RegistryError;
import dev.berth.registry.storage.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a manifest, read from its bytes once at push time: its media
 * type, the blobs (or, for an index, the manifests) it references, its subject and artifact type.
 * Parsing rejects anything that is not a schema-2 Docker manifest or list, or an OCI manifest or
 * index, with {@code MANIFEST_INVALID}; it never trusts a size or digest it has not checked the
 * form of.
 *
 * @param blobs config and layers (image manifests); layers with {@code urls} (foreign layers) are
 *     not required to be in the registry and are left out
 * @param children the manifests of an index
 */
public record ParsedManifest(
        String mediaType,
        List<Descriptor> blobs,
        List<Descriptor> children,
        Descriptor config,
        Descriptor subject,
        String artifactType,
        Map<String, String> annotations) {

    /** A content descriptor: media type, digest, size. */
    public record Descriptor(String mediaType, Digest digest, long size) {}

    public static ParsedManifest parse(ObjectMapper mapper, String contentType, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw invalid("the manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw invalid("the manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the manifest is not a JSON object");
        }
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw invalid("schemaVersion must be 2 (Docker schema 1 manifests are not supported)");
        }
        String declared = root.hasNonNull("mediaType") ? root.get("mediaType").asText() : null;
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (declared != null && !type.isEmpty() && MediaTypes.MANIFESTS.contains(type) && !declared.equals(type)) {
            throw invalid("the manifest's mediaType " + declared + " does not match its Content-Type " + type);
        }
        String mediaType = declared != null
                ? declared
                : MediaTypes.MANIFESTS.contains(type)
                        ? type
                        : root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        if (!MediaTypes.MANIFESTS.contains(mediaType)) {
            throw new RegistryError(
                    RegistryError.Code.MANIFEST_INVALID, "unsupported manifest media type " + mediaType);
        }
        Descriptor subject = root.hasNonNull("subject") ? descriptor(root.get("subject"), "subject") : null;
        String artifactType = text(root, "artifactType");
        Map<String, String> annotations = annotations(root.get("annotations"));
        if (MediaTypes.isIndex(mediaType)) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) {
                throw invalid("an index needs a manifests array");
            }
            List<Descriptor> children = new ArrayList<>();
            for (JsonNode m : manifests) {
                children.add(descriptor(m, "manifests[]"));
            }
            return new ParsedManifest(mediaType, List.of(), children, null, subject, artifactType, annotations);
        }
        if (root.has("manifests")) {
            throw invalid("an image manifest has no manifests array");
        }
        Descriptor config = descriptor(root.get("config"), "config");
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(config);
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw invalid("an image manifest needs a layers array");
        }
        for (JsonNode l : layers) {
            Descriptor d = descriptor(l, "layers[]");
            if (!l.has("urls")) {
                blobs.add(d);
            }
        }
        if (artifactType == null
                && !MediaTypes.isImageConfig(config.mediaType())
                && !MediaTypes.OCI_EMPTY.equals(config.mediaType())) {
            artifactType = config.mediaType();
        }
        return new ParsedManifest(mediaType, blobs, List.of(), config, subject, artifactType, annotations);
    }

    /** The sum of the sizes ECR reports as imageSizeInBytes. */
    public long imageSize(long manifestSize) {
        if (config == null) {
            return manifestSize;
        }
        long sum = 0;
        for (Descriptor d : blobs) {
            sum += d.size();
        }
        return sum;
    }

    private static Descriptor descriptor(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = text(n, "mediaType");
        Digest digest = Digest.parse(text(n, "digest"))
                .orElseThrow(() -> invalid(where + " has no valid sha256/sha512 digest"));
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw invalid(where + " needs a non-negative size");
        }
        return new Descriptor(mediaType, digest, size.asLong());
    }

    private static Map<String, String> annotations(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    private static RegistryError invalid(String message) {
        return new RegistryError(RegistryError.Code.MANIFEST_INVALID, "manifest invalid: " + message);
    }
}
