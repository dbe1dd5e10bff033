package dev.berth.registry.lifecycle;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * A validated ECR lifecycle policy: its rules in evaluation order (ascending {@code rulePriority}).
 * Only {@link LifecyclePolicyParser} builds one from text, so every instance satisfies ECR's rules
 * (unique priorities, {@code any} last, tag lists only where they belong).
 */
public record LifecyclePolicy(List<Rule> rules) {

    public LifecyclePolicy {
        rules = rules.stream().sorted(Comparator.comparingInt(Rule::priority)).toList();
    }

    public enum TagStatus {
        TAGGED,
        UNTAGGED,
        ANY
    }

    public enum CountType {
        IMAGE_COUNT_MORE_THAN("imageCountMoreThan"),
        SINCE_IMAGE_PUSHED("sinceImagePushed"),
        SINCE_IMAGE_PULLED("sinceImagePulled");

        private final String wire;

        CountType(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * One rule. {@code countNumber} is an image count for {@link CountType#IMAGE_COUNT_MORE_THAN}
     * and a number of days otherwise; the action is always {@code expire}.
     */
    public record Rule(
            int priority,
            String description,
            TagStatus tagStatus,
            List<String> tagPrefixList,
            List<String> tagPatternList,
            CountType countType,
            int countNumber) {

        public Rule {
            tagPrefixList = List.copyOf(tagPrefixList);
            tagPatternList = List.copyOf(tagPatternList);
        }

        public Duration age() {
            return Duration.ofDays(countNumber);
        }
    }
}
