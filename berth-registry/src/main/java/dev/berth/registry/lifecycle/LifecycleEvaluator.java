package dev.berth.registry.lifecycle;

import dev.berth.registry.lifecycle.LifecyclePolicy.Rule;
import dev.berth.registry.repo.Wildcards;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which images a lifecycle policy expires: a pure function of the policy, the repository's images
 * and the time. The preview (GetLifecyclePolicyPreview) and the executor that really deletes images
 * both call {@link #evaluate}, so what the preview shows is what the executor does.
 *
 * <p>ECR's documented semantics, in order:
 * <ol>
 *   <li>Rules run by ascending {@code rulePriority}.</li>
 *   <li>A rule <em>selects</em> images by tag: {@code any} all; {@code untagged} those without
 *       tags; {@code tagged} with {@code tagPrefixList} those where every prefix starts some tag of
 *       the image, with {@code tagPatternList} those where every pattern matches some tag whole
 *       ({@code *} = any run of characters).</li>
 *   <li>Among its selected images — including ones a higher-priority rule already expired ("rules
 *       identify them as if they had not been expired") — a rule marks: for
 *       {@code imageCountMoreThan N}, all but the N most recently pushed; for
 *       {@code sinceImagePushed N}, those pushed more than N days ago; for
 *       {@code sinceImagePulled N}, those last pulled (or, never pulled, pushed) more than N days
 *       ago.</li>
 *   <li>A marked image is expired by the rule unless a higher-priority rule selected it: an image
 *       that matches the tagging requirements of a rule cannot be expired by a rule with a lower
 *       priority. So each image is expired by at most one rule.</li>
 *   <li>Expiry within a rule is ordered by push time, oldest first.</li>
 * </ol>
 * Ties in push time are broken by digest so that the result never depends on input order.
 */
public final class LifecycleEvaluator {

    /** One image a rule expires. */
    public record Expiry(ImageFacts image, int rulePriority) {}

    /** Newest first; equal push times by digest, descending. */
    static final Comparator<ImageFacts> NEWEST_FIRST = Comparator.comparing(ImageFacts::pushedAt)
            .thenComparing(ImageFacts::digest)
            .reversed();

    private LifecycleEvaluator() {}

    /** The images the policy expires, grouped by rule in priority order, oldest first within a rule. */
    public static List<Expiry> evaluate(LifecyclePolicy policy, List<ImageFacts> images, Instant now) {
        List<Expiry> out = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        for (Rule rule : policy.rules()) {
            List<ImageFacts> selected = images.stream()
                    .filter(i -> selects(rule, i))
                    .sorted(NEWEST_FIRST)
                    .toList();
            List<ImageFacts> marked = marks(rule, selected, now);
            for (int i = marked.size() - 1; i >= 0; i--) {
                ImageFacts image = marked.get(i);
                if (!claimed.contains(image.digest())) {
                    out.add(new Expiry(image, rule.priority()));
                }
            }
            selected.forEach(i -> claimed.add(i.digest()));
        }
        return out;
    }

    /** Whether the rule's tag requirements select the image. */
    public static boolean selects(Rule rule, ImageFacts image) {
        return switch (rule.tagStatus()) {
            case ANY -> true;
            case UNTAGGED -> !image.tagged();
            case TAGGED ->
                image.tagged()
                        && rule.tagPrefixList().stream()
                                .allMatch(p -> image.tags().stream().anyMatch(t -> t.startsWith(p)))
                        && rule.tagPatternList().stream()
                                .allMatch(p -> image.tags().stream().anyMatch(t -> Wildcards.matches(p, t)));
        };
    }

    /** The selected images (newest first) that the rule's count criterion marks, newest first. */
    private static List<ImageFacts> marks(Rule rule, List<ImageFacts> selectedNewestFirst, Instant now) {
        return switch (rule.countType()) {
            case IMAGE_COUNT_MORE_THAN ->
                selectedNewestFirst.size() <= rule.countNumber()
                        ? List.of()
                        : selectedNewestFirst.subList(rule.countNumber(), selectedNewestFirst.size());
            case SINCE_IMAGE_PUSHED ->
                selectedNewestFirst.stream()
                        .filter(i -> olderThan(i.pushedAt(), rule, now))
                        .toList();
            case SINCE_IMAGE_PULLED ->
                selectedNewestFirst.stream()
                        .filter(i -> olderThan(i.lastPulledAt() != null ? i.lastPulledAt() : i.pushedAt(), rule, now))
                        .toList();
        };
    }

    private static boolean olderThan(Instant at, Rule rule, Instant now) {
        return at.plus(rule.age()).isBefore(now);
    }
}
