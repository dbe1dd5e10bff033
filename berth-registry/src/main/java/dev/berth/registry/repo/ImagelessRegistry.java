package dev.berth.registry.repo;

import dev.berth.registry.lifecycle.ImageCatalog;
import dev.berth.registry.lifecycle.ImageFacts;
import dev.berth.store.Transaction;
import java.util.Collection;
import java.util.List;

/**
 * The repository contents and image catalog of a registry that stores no images: every repository
 * is empty, so DeleteRepository never needs {@code force} and lifecycle policies find nothing to
 * expire. That is exactly the state of a Berth without the registry's data half (blob store,
 * {@code /v2/}, image metadata); once that half is wired in, its image store implements
 * {@link RepositoryContents} and {@link ImageCatalog} and replaces this class in {@code BerthServer}.
 */
public final class ImagelessRegistry implements RepositoryContents, ImageCatalog {

    @Override
    public boolean hasImages(Transaction tx, String repositoryName) {
        return false;
    }

    @Override
    public void deleteAll(Transaction tx, String repositoryName) {
        // nothing is stored
    }

    @Override
    public List<ImageFacts> images(Transaction tx, String repositoryName) {
        return List.of();
    }

    @Override
    public void expire(Transaction tx, String repositoryName, Collection<String> digests) {
        // nothing is stored
    }
}
