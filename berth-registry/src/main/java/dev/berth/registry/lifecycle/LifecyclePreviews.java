package dev.berth.registry.lifecycle;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.repo.InstantJson;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where lifecycle policy previews are kept: one header document per repository (the policy text,
 * when it was evaluated, how many images it expires) and one document per expiring image, so a
 * preview of a large repository never becomes one oversized document and GetLifecyclePolicyPreview
 * pages through it with a key range. A new preview replaces the old one in the same transaction;
 * DeleteRepository forgets it.
 */
public final class LifecyclePreviews {

    /** The preview's header. */
    public record Header(
            String lifecyclePolicyText,
            String status,

            @JsonSerialize(using = InstantJson.Write.class) @JsonDeserialize(using = InstantJson.Read.class)
            Instant evaluatedAt,

            int expiringImageTotalCount) {}

    /** One image the preview expires. */
    public record Result(
            String imageDigest,
            List<String> imageTags,

            @JsonSerialize(using = InstantJson.Write.class) @JsonDeserialize(using = InstantJson.Read.class)
            Instant imagePushedAt,

            int appliedRulePriority) {}

    private LifecyclePreviews() {}

    /** Replaces the repository's preview with these results (evaluation order). */
    public static void save(
            Transaction tx,
            Documents docs,
            String repository,
            String policyText,
            Instant at,
            List<LifecycleEvaluator.Expiry> expiries) {
        forget(tx, repository);
        docs.put(
                tx,
                RegistryKinds.LIFECYCLE_PREVIEW,
                repository,
                new Header(policyText, "COMPLETE", at, expiries.size()));
        for (int i = 0; i < expiries.size(); i++) {
            ImageFacts image = expiries.get(i).image();
            docs.put(
                    tx,
                    RegistryKinds.LIFECYCLE_PREVIEW_RESULT,
                    resultKey(repository, i),
                    new Result(
                            image.digest(),
                            image.tags(),
                            image.pushedAt(),
                            expiries.get(i).rulePriority()));
        }
    }

    public static Optional<Header> header(Transaction tx, Documents docs, String repository) {
        return docs.get(tx, RegistryKinds.LIFECYCLE_PREVIEW, repository, Header.class);
    }

    /** Removes the repository's preview, if any. */
    public static void forget(Transaction tx, String repository) {
        tx.delete(RegistryKinds.LIFECYCLE_PREVIEW, repository);
        List<String> keys = new ArrayList<>();
        StorePages.forEach(tx, RegistryKinds.LIFECYCLE_PREVIEW_RESULT, prefix(repository), e -> keys.add(e.key()));
        keys.forEach(k -> tx.delete(RegistryKinds.LIFECYCLE_PREVIEW_RESULT, k));
    }

    public static String prefix(String repository) {
        return repository + "#";
    }

    static String resultKey(String repository, int index) {
        return prefix(repository) + String.format("%08d", index);
    }

    static Result read(Documents docs, Entry e) {
        return docs.read(e, Result.class);
    }
}
