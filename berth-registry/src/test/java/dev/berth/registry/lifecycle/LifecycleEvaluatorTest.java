package dev.berth.registry.lifecycle;

import static dev.berth.registry.lifecycle.LifecyclePolicyParserTest.policy;
import static dev.berth.registry.lifecycle.LifecyclePolicyParserTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.protocol.json.Jsons;
import dev.berth.registry.lifecycle.LifecycleEvaluator.Expiry;
import dev.berth.registry.lifecycle.LifecyclePolicy.CountType;
import dev.berth.registry.lifecycle.LifecyclePolicy.Rule;
import dev.berth.registry.lifecycle.LifecyclePolicy.TagStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle evaluation: ECR's documented examples, each count type, and seeded random
 * policies and repositories compared with a straightforward per-image reference implementation.
 */
class LifecycleEvaluatorTest {

    private static final ObjectMapper MAPPER = Jsons.newMapper();
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static ImageFacts image(String name, int daysAgo, String... tags) {
        return new ImageFacts("sha256:" + name, List.of(tags), NOW.minus(Duration.ofDays(daysAgo)), null, 100);
    }

    private static List<String> expired(String policyText, List<ImageFacts> images) {
        return LifecycleEvaluator.evaluate(LifecyclePolicyParser.parse(MAPPER, policyText), images, NOW).stream()
                .map(e -> e.image().digest().substring(7) + "@" + e.rulePriority())
                .toList();
    }

    @Test
    void ecrExampleAImagesSelectedByAHigherRuleAreNotExpiredByALowerOne() {
        // AWS ECR user guide, "Filtering on multiple rules", example A
        List<ImageFacts> repo =
                List.of(image("A", 10, "beta-1", "prod-1"), image("B", 9, "beta-2", "prod-2"), image("C", 8, "beta-3"));
        String p = policy(
                rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"prod*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"),
                rule(
                        2,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"beta*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"));
        assertThat(expired(p, repo)).containsExactly("A@1");
    }

    @Test
    void ecrExampleBEveryPatternMustMatchSomeTag() {
        // example B: one rule lists both patterns, so an image needs a prod* tag and a beta* tag
        List<ImageFacts> repo = List.of(
                image("A", 10, "beta-1", "prod-1"),
                image("B", 9, "beta-2", "prod-2"),
                image("C", 8, "beta-3", "prod-3"));
        String p = policy(
                rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"beta*\",\"prod*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"),
                rule(
                        2,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"beta*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"));
        assertThat(expired(p, repo)).containsExactly("A@1", "B@1");
    }

    @Test
    void imageCountMoreThanKeepsTheNewestAndExpiresOldestFirst() {
        List<ImageFacts> repo =
                List.of(image("u3", 3), image("u1", 1), image("u5", 5), image("u4", 4), image("t", 9, "v1"));
        String p = policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":2"));
        assertThat(expired(p, repo)).containsExactly("u5@1", "u4@1");
    }

    @Test
    void sinceImagePushedExpiresImagesOlderThanTheDays() {
        List<ImageFacts> repo =
                List.of(image("old", 31, "a"), image("edge", 30, "b"), image("new", 2), image("older", 40));
        String p = policy(rule(
                1,
                "\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":30"));
        assertThat(expired(p, repo)).containsExactly("older@1", "old@1");
    }

    @Test
    void sinceImagePulledUsesThePushTimeOfImagesNeverPulled() {
        List<ImageFacts> repo = List.of(
                new ImageFacts(
                        "sha256:pulled",
                        List.of("a"),
                        NOW.minus(Duration.ofDays(90)),
                        NOW.minus(Duration.ofDays(1)),
                        1),
                new ImageFacts(
                        "sha256:stale",
                        List.of("b"),
                        NOW.minus(Duration.ofDays(90)),
                        NOW.minus(Duration.ofDays(20)),
                        1),
                new ImageFacts("sha256:never", List.of(), NOW.minus(Duration.ofDays(15)), null, 1),
                new ImageFacts("sha256:fresh", List.of(), NOW.minus(Duration.ofDays(3)), null, 1));
        String p = policy(rule(
                1,
                "\"tagStatus\":\"any\",\"countType\":\"sinceImagePulled\",\"countUnit\":\"days\",\"countNumber\":10"));
        assertThat(expired(p, repo)).containsExactly("stale@1", "never@1");
    }

    @Test
    void prefixesMatchTheStartOfSomeTagAndAllMustMatch() {
        List<ImageFacts> repo = List.of(
                image("a", 5, "prod-1", "v1"),
                image("b", 4, "prod-2"),
                image("c", 3, "preprod"),
                image("d", 2, "v2", "prod-3"),
                image("e", 1, "prod-4", "v9"));
        String p = policy(
                rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\",\"v\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"));
        assertThat(expired(p, repo)).containsExactly("a@1", "d@1");
    }

    @Test
    void anyRuleLastSweepsWhatEarlierRulesDidNotSelect() {
        List<ImageFacts> repo = List.of(
                image("keep1", 50, "release-1"),
                image("keep2", 40, "release-2"),
                image("u", 45),
                image("dev", 60, "dev-1"),
                image("recent", 1, "dev-2"));
        String p = policy(
                rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"release-*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":100"),
                rule(
                        2,
                        "\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":30"));
        assertThat(expired(p, repo)).containsExactly("dev@2", "u@2");
    }

    @Test
    void resultDoesNotDependOnInputOrderEvenWithEqualPushTimes() {
        List<ImageFacts> repo = new ArrayList<>(List.of(image("x", 5), image("y", 5), image("z", 5), image("w", 5)));
        String p = policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":2"));
        List<String> first = expired(p, repo);
        java.util.Collections.reverse(repo);
        assertThat(expired(p, repo)).isEqualTo(first).hasSize(2);
    }

    @Test
    void agreesWithAPerImageReferenceOnRandomPoliciesAndRepositories() {
        String[] tagPool = {"prod-1", "prod-2", "beta", "beta-7", "v1", "v2.0", "latest", "rc-1", "dev"};
        String[] prefixPool = {"prod", "beta", "v", "rc", "d", "l"};
        String[] patternPool = {"prod-*", "*beta*", "v*", "*-1", "latest", "*", "r*-*"};
        for (long seed = 1; seed <= 500; seed++) {
            Random rnd = new Random(seed);
            List<ImageFacts> images = new ArrayList<>();
            int n = rnd.nextInt(25);
            for (int i = 0; i < n; i++) {
                List<String> tags = new ArrayList<>();
                for (String t : tagPool) {
                    if (rnd.nextInt(6) == 0) {
                        tags.add(t + (rnd.nextBoolean() ? "" : "-" + i));
                    }
                }
                Instant pushed = NOW.minus(Duration.ofHours(rnd.nextInt(24 * 60)));
                Instant pulled = rnd.nextBoolean() ? null : pushed.plus(Duration.ofHours(rnd.nextInt(24 * 60)));
                if (pulled != null && pulled.isAfter(NOW)) {
                    pulled = NOW;
                }
                images.add(new ImageFacts("sha256:" + seed + "-" + i, tags, pushed, pulled, i));
            }
            List<Rule> rules = new ArrayList<>();
            int ruleCount = 1 + rnd.nextInt(5);
            boolean untaggedUsed = false;
            for (int r = 0; r < ruleCount; r++) {
                int priority = (r + 1) * 10 + rnd.nextInt(5);
                CountType type = CountType.values()[rnd.nextInt(3)];
                int count = 1 + rnd.nextInt(type == CountType.IMAGE_COUNT_MORE_THAN ? 6 : 60);
                int kind = rnd.nextInt(4);
                if (r == ruleCount - 1 && kind == 3) {
                    rules.add(new Rule(priority, null, TagStatus.ANY, List.of(), List.of(), type, count));
                } else if (kind == 2 && !untaggedUsed) {
                    untaggedUsed = true;
                    rules.add(new Rule(priority, null, TagStatus.UNTAGGED, List.of(), List.of(), type, count));
                } else if (kind == 0) {
                    rules.add(
                            new Rule(priority, null, TagStatus.TAGGED, pick(rnd, prefixPool), List.of(), type, count));
                } else {
                    rules.add(
                            new Rule(priority, null, TagStatus.TAGGED, List.of(), pick(rnd, patternPool), type, count));
                }
            }
            LifecyclePolicy policy = new LifecyclePolicy(rules);
            Map<String, Integer> actual = new LinkedHashMap<>();
            for (Expiry e : LifecycleEvaluator.evaluate(policy, images, NOW)) {
                assertThat(actual.put(e.image().digest(), e.rulePriority()))
                        .as("seed %d: expired twice", seed)
                        .isNull();
            }
            assertThat(actual).as("seed %d", seed).isEqualTo(reference(policy, images));
        }
    }

    private static List<String> pick(Random rnd, String[] pool) {
        List<String> out = new ArrayList<>();
        for (String s : pool) {
            if (rnd.nextInt(4) == 0) {
                out.add(s);
            }
        }
        return out.isEmpty() ? List.of(pool[rnd.nextInt(pool.length)]) : out;
    }

    /**
     * The same semantics said per image: an image belongs to the first rule (by priority) whose tag
     * requirements it meets, and is expired by that rule if the rule's count criterion marks it —
     * for a count rule, when at least N of the images that rule selects are newer.
     */
    private static Map<String, Integer> reference(LifecyclePolicy policy, List<ImageFacts> images) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (ImageFacts image : images) {
            for (Rule rule : policy.rules()) {
                if (!LifecycleEvaluator.selects(rule, image)) {
                    continue;
                }
                boolean marked =
                        switch (rule.countType()) {
                            case IMAGE_COUNT_MORE_THAN ->
                                images.stream()
                                                .filter(o -> LifecycleEvaluator.selects(rule, o))
                                                .filter(o -> LifecycleEvaluator.NEWEST_FIRST.compare(o, image) < 0)
                                                .count()
                                        >= rule.countNumber();
                            case SINCE_IMAGE_PUSHED ->
                                Duration.between(image.pushedAt(), NOW).compareTo(rule.age()) > 0;
                            case SINCE_IMAGE_PULLED ->
                                Duration.between(
                                                        image.lastPulledAt() == null
                                                                ? image.pushedAt()
                                                                : image.lastPulledAt(),
                                                        NOW)
                                                .compareTo(rule.age())
                                        > 0;
                        };
                if (marked) {
                    out.put(image.digest(), rule.priority());
                }
                break;
            }
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        out.forEach(ordered::put);
        return ordered;
    }
}
