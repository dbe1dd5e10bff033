package dev.berth.registry.meta;

import java.util.Map;

/**
 * A manifest whose {@code subject} names another manifest, indexed for the referrers API (kind
 * {@code ecr-referrer}, key {@code <repository>@<subject digest>@<referrer digest>}). Written in
 * the same transaction as the referrer's {@link ImageRecord} and removed with it.
 */
public record ReferrerRecord(
        String digest, String mediaType, long size, String artifactType, Map<String, String> annotations) {}
