package dev.berth.registry.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryError.Code;
import dev.berth.registry.meta.ImageRecord;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.MediaTypes;
import dev.berth.registry.meta.ReferrerRecord;
import dev.berth.registry.meta.Repositories;
import dev.berth.registry.storage.Digest;
import dev.berth.store.StorePages;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifest endpoints ({@code /v2/<name>/manifests/<reference>}: GET/HEAD with content negotiation,
 * PUT, DELETE), tag listing, the catalog and the referrers API. The rules of a push live in
 * {@link Images#putManifest}, shared with ECR's PutImage.
 */
final class OciManifests {

    /** Most tags or repositories one listing returns when the client asks for no {@code n}. */
    static final int MAX_PAGE = 1000;

    private final Images images;
    private final ObjectMapper mapper;

    OciManifests(Images images) {
        this.images = images;
        this.mapper = images.docs().mapper();
    }

    void get(OciExchange ex, String repo, String reference, boolean head) {
        boolean byDigest = Digest.looksLikeDigest(reference);
        if (byDigest && Digest.parse(reference).isEmpty()) {
            throw new RegistryError(Code.DIGEST_INVALID, "invalid digest " + reference);
        }
        ImageRecord image = images.store()
                .read(tx -> images.resolve(tx, repo, reference))
                .orElseThrow(() -> new RegistryError(Code.MANIFEST_UNKNOWN, "Requested image not found"));
        List<String> accepted = new ArrayList<>();
        for (String a : ex.req.headers().getAll("Accept")) {
            for (String part : a.split(",")) {
                String t = part.split(";")[0].trim();
                if (!t.isEmpty()) {
                    accepted.add(t);
                }
            }
        }
        boolean acceptable = accepted.isEmpty()
                || accepted.contains(image.mediaType())
                || accepted.contains("*/*")
                || accepted.stream().noneMatch(MediaTypes.MANIFESTS::contains);
        if (!acceptable) {
            throw new RegistryError(
                    Code.MANIFEST_UNKNOWN,
                    "the manifest is " + image.mediaType() + ", which the Accept header does not include");
        }
        MultiMap h = ex.headers()
                .add("Content-Type", image.mediaType())
                .add("Docker-Content-Digest", image.digest())
                .add("ETag", "\"" + image.digest() + "\"")
                .add("Content-Length", Long.toString(image.size()));
        if (head) {
            ex.send(200, h, null);
            return;
        }
        byte[] bytes = images.manifestBytes(image);
        h.set("Content-Length", Integer.toString(bytes.length));
        ex.send(200, h, Buffer.buffer(bytes));
        images.recordPull(repo, image.digest());
    }

    void put(OciExchange ex, String repo, String reference, byte[] body) {
        boolean byDigest = Digest.looksLikeDigest(reference);
        Digest expected = null;
        if (byDigest) {
            expected = Digest.parse(reference)
                    .orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "invalid digest " + reference));
        }
        Images.Pushed pushed =
                images.putManifest(repo, byDigest ? null : reference, expected, ex.req.getHeader("Content-Type"), body);
        MultiMap h = ex.headers()
                .add("Location", "/v2/" + repo + "/manifests/" + pushed.image().digest())
                .add("Docker-Content-Digest", pushed.image().digest());
        if (pushed.image().subject() != null) {
            h.add("OCI-Subject", pushed.image().subject());
        }
        ex.send(201, h, null);
    }

    void delete(OciExchange ex, String repo, String reference) {
        if (Digest.looksLikeDigest(reference)) {
            Digest d =
                    Digest.parse(reference).orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "invalid digest"));
            images.store().transact(tx -> images.deleteImage(tx, repo, d.toString()));
        } else {
            boolean removed = images.store()
                    .transact(tx -> tx.delete(
                            dev.berth.registry.RegistryKinds.TAG,
                            dev.berth.registry.RegistryKinds.tagKey(repo, reference)));
            if (!removed) {
                throw new RegistryError(Code.MANIFEST_UNKNOWN, "manifest unknown: no tag " + reference);
            }
        }
        ex.send(202, ex.headers(), null);
    }

    void tags(OciExchange ex, String repo, Repositories.Repo r) {
        int n = pageSize(ex);
        String last = ex.req.getParam("last");
        StorePages.Listing<String> page = n == 0
                ? new StorePages.Listing<>(List.of(), null)
                : images.store().read(tx -> images.tags(tx, repo, last, n));
        ObjectNode out = mapper.createObjectNode().put("name", repo);
        ArrayNode tags = out.putArray("tags");
        page.items().forEach(tags::add);
        MultiMap h = ex.headers().add("Content-Type", "application/json");
        if (page.resumeAfter() != null && !page.items().isEmpty()) {
            h.add(
                    "Link",
                    "</v2/" + repo + "/tags/list?n=" + n + "&last="
                            + enc(page.items().getLast()) + ">; rel=\"next\"");
        }
        ex.send(200, h, Buffer.buffer(out.toString()));
    }

    void catalog(OciExchange ex) {
        int n = pageSize(ex);
        String last = ex.req.getParam("last");
        List<String> names = n == 0
                ? List.of()
                : images.store().read(tx -> images.repositories().names(tx, last, n + 1));
        boolean more = names.size() > n;
        List<String> shown = more ? names.subList(0, n) : names;
        ObjectNode out = mapper.createObjectNode();
        ArrayNode repos = out.putArray("repositories");
        shown.forEach(repos::add);
        MultiMap h = ex.headers().add("Content-Type", "application/json");
        if (more) {
            h.add("Link", "</v2/_catalog?n=" + n + "&last=" + enc(shown.getLast()) + ">; rel=\"next\"");
        }
        ex.send(200, h, Buffer.buffer(out.toString()));
    }

    void referrers(OciExchange ex, String repo, String digestText, Repositories.Repo r) {
        Digest d = Digest.parse(digestText)
                .orElseThrow(() -> new RegistryError(Code.DIGEST_INVALID, "invalid digest " + digestText));
        String artifactType = ex.req.getParam("artifactType");
        List<ReferrerRecord> refs = images.store().read(tx -> images.referrers(tx, repo, d.toString(), artifactType));
        ObjectNode index = mapper.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (ReferrerRecord ref : refs) {
            ObjectNode m = manifests
                    .addObject()
                    .put("mediaType", ref.mediaType())
                    .put("digest", ref.digest())
                    .put("size", ref.size());
            if (ref.artifactType() != null) {
                m.put("artifactType", ref.artifactType());
            }
            if (ref.annotations() != null) {
                m.set("annotations", mapper.valueToTree(ref.annotations()));
            }
        }
        MultiMap h = ex.headers().add("Content-Type", MediaTypes.OCI_INDEX);
        if (artifactType != null) {
            h.add("OCI-Filters-Applied", "artifactType");
        }
        ex.send(200, h, Buffer.buffer(index.toString()));
    }

    private static int pageSize(OciExchange ex) {
        String n = ex.req.getParam("n");
        if (n == null) {
            return MAX_PAGE;
        }
        try {
            int v = Integer.parseInt(n);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.min(v, MAX_PAGE);
        } catch (NumberFormatException e) {
            throw new RegistryError(Code.UNSUPPORTED_PAGE, "n must be a non-negative integer");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
