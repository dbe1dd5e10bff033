package dev.berth.registry.repo;

import dev.berth.store.Transaction;

/**
 * What DeleteRepository needs to know about a repository's images, and nothing more: whether it
 * has any, and how to remove them all in the same transaction that removes the repository (so a
 * forced delete never leaves images of a repository that no longer exists, nor the reverse).
 *
 * <p>The image metadata of the registry's data half implements it; blobs left unreferenced are
 * the garbage collector's, not this interface's. Both methods run inside the caller's write
 * transaction and must not open another one.
 */
public interface RepositoryContents {

    /** Whether the repository holds at least one image (tagged or not). */
    boolean hasImages(Transaction tx, String repositoryName);

    /** Removes every image, tag and image link of the repository. */
    void deleteAll(Transaction tx, String repositoryName);
}
