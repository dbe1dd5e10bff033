package dev.berth.registry.oci;

import dev.berth.registry.meta.Repositories;

/**
 * The endpoint a path under {@code /v2/} names, parsed once. Repository names must match ECR's
 * pattern, which admits no {@code ..}, no percent-escapes and no empty component, so a name can
 * never step outside its key prefix or be confused with another.
 */
sealed interface OciRoute {

    record Base() implements OciRoute {}

    record Catalog() implements OciRoute {}

    record Tags(String name) implements OciRoute {}

    record Manifest(String name, String reference) implements OciRoute {}

    record Blob(String name, String digest) implements OciRoute {}

    record UploadStart(String name) implements OciRoute {}

    record Upload(String name, String id) implements OciRoute {}

    record Referrers(String name, String digest) implements OciRoute {}

    /** A path that names no endpoint (404) or an invalid repository name (400 NAME_INVALID). */
    record Unknown(boolean badName) implements OciRoute {}

    /** The route of {@code path} (raw, as received). */
    static OciRoute parse(String path) {
        if (!path.startsWith("/v2/")) {
            return new Unknown(false);
        }
        String rest = path.substring(4);
        if (rest.isEmpty()) {
            return new Base();
        }
        if (rest.equals("_catalog")) {
            return new Catalog();
        }
        if (rest.endsWith("/tags/list")) {
            return named(rest.substring(0, rest.length() - "/tags/list".length()), n -> new Tags(n));
        }
        int i = rest.lastIndexOf("/blobs/uploads/");
        if (i > 0) {
            String id = rest.substring(i + "/blobs/uploads/".length());
            if (id.isEmpty()) {
                return named(rest.substring(0, i), UploadStart::new);
            }
            return id.contains("/") ? new Unknown(false) : named(rest.substring(0, i), n -> new Upload(n, id));
        }
        if (rest.endsWith("/blobs/uploads")) {
            return named(rest.substring(0, rest.length() - "/blobs/uploads".length()), UploadStart::new);
        }
        for (String marker : new String[] {"/manifests/", "/blobs/", "/referrers/"}) {
            i = rest.lastIndexOf(marker);
            if (i > 0) {
                String ref = rest.substring(i + marker.length());
                if (ref.isEmpty() || ref.contains("/")) {
                    return new Unknown(false);
                }
                String name = rest.substring(0, i);
                return switch (marker) {
                    case "/manifests/" -> named(name, n -> new Manifest(n, ref));
                    case "/blobs/" -> named(name, n -> new Blob(n, ref));
                    default -> named(name, n -> new Referrers(n, ref));
                };
            }
        }
        return new Unknown(false);
    }

    private static OciRoute named(String name, java.util.function.Function<String, OciRoute> make) {
        return Repositories.validName(name) ? make.apply(name) : new Unknown(true);
    }
}
