package dev.berth.registry.lifecycle;

import dev.berth.store.Transaction;
import java.util.Collection;
import java.util.List;

/**
 * The lifecycle executor's and the preview's view of a repository's images: list them as
 * {@link ImageFacts}, and expire some by digest. The registry's image metadata (the data half)
 * implements it over its own documents. Both methods run inside the caller's transaction (which
 * has the repository document locked) and must not open another, so a policy run sees one
 * consistent set of images and removes exactly what it evaluated.
 */
public interface ImageCatalog {

    /** Every image of the repository (tagged or not), in any order. */
    List<ImageFacts> images(Transaction tx, String repositoryName);

    /**
     * Removes these images from the repository as BatchDeleteImage does (their tags with them);
     * blobs left unreferenced are left to garbage collection. Digests no longer present are ignored.
     */
    void expire(Transaction tx, String repositoryName, Collection<String> digests);
}
