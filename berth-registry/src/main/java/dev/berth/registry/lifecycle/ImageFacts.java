package dev.berth.registry.lifecycle;

import java.time.Instant;
import java.util.List;

/**
 * What lifecycle rules look at in one image of a repository.
 *
 * @param digest the image manifest digest ({@code sha256:...})
 * @param tags the tags pointing at the image; empty for an untagged image
 * @param pushedAt when the image was pushed
 * @param lastPulledAt when it was last pulled, or null if never
 * @param sizeBytes the image size as DescribeImages reports it
 */
public record ImageFacts(String digest, List<String> tags, Instant pushedAt, Instant lastPulledAt, long sizeBytes) {

    public ImageFacts {
        tags = List.copyOf(tags);
    }

    public boolean tagged() {
        return !tags.isEmpty();
    }
}
