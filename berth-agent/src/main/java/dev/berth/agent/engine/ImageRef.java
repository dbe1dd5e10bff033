package dev.berth.agent.engine;

/**
 * An image reference split the way Docker's pull API wants it: {@code fromImage} (repository,
 * registry host included) and {@code tag} (a tag, or a {@code sha256:} digest). Pure parsing.
 *
 * @param registry the registry host (with port) when the reference names one, else null
 */
record ImageRef(String repository, String tag, String registry) {

    static ImageRef parse(String image) {
        String repo = image;
        String tag = "latest";
        int at = image.indexOf('@');
        if (at >= 0) {
            repo = image.substring(0, at);
            tag = image.substring(at + 1);
        } else {
            int colon = image.lastIndexOf(':');
            if (colon > image.lastIndexOf('/')) {
                repo = image.substring(0, colon);
                tag = image.substring(colon + 1);
            }
        }
        String registry = null;
        int slash = repo.indexOf('/');
        if (slash > 0) {
            String first = repo.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
            }
        }
        return new ImageRef(repo, tag, registry);
    }
}
