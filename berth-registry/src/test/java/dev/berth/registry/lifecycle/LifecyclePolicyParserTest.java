package dev.berth.registry.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.json.Jsons;
import dev.berth.registry.lifecycle.LifecyclePolicy.CountType;
import dev.berth.registry.lifecycle.LifecyclePolicy.TagStatus;
import org.junit.jupiter.api.Test;

/** Every rule of ECR's lifecycle policy validation, each with the message Berth answers. */
class LifecyclePolicyParserTest {

    private static final ObjectMapper MAPPER = Jsons.newMapper();
    private static final String PREFIX = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
            + "'Lifecycle policy validation failure: ";

    static String rule(int priority, String selection) {
        return "{\"rulePriority\":" + priority + ",\"description\":\"r" + priority + "\",\"selection\":{" + selection
                + "},\"action\":{\"type\":\"expire\"}}";
    }

    static String policy(String... rules) {
        return "{\"rules\":[" + String.join(",", rules) + "]}";
    }

    private static void rejects(String text, String detail) {
        assertThatThrownBy(() -> LifecyclePolicyParser.parse(MAPPER, text))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterException");
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessage(PREFIX + detail + "'");
    }

    @Test
    void parsesEveryKindOfRuleInPriorityOrder() {
        LifecyclePolicy p = LifecyclePolicyParser.parse(
                MAPPER,
                policy(
                        rule(
                                10,
                                "\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":30"),
                        rule(
                                1,
                                "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":5"),
                        rule(
                                2,
                                "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*-rc*\"],\"countType\":\"sinceImagePulled\",\"countUnit\":\"days\",\"countNumber\":7"),
                        rule(3, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1")));
        assertThat(p.rules()).extracting(LifecyclePolicy.Rule::priority).containsExactly(1, 2, 3, 10);
        assertThat(p.rules().get(0).tagPrefixList()).containsExactly("prod");
        assertThat(p.rules().get(1).tagPatternList()).containsExactly("*-rc*");
        assertThat(p.rules().get(1).countType()).isEqualTo(CountType.SINCE_IMAGE_PULLED);
        assertThat(p.rules().get(2).tagStatus()).isEqualTo(TagStatus.UNTAGGED);
        assertThat(p.rules().get(3).countNumber()).isEqualTo(30);
        assertThat(p.rules().get(3).description()).isEqualTo("r10");
    }

    @Test
    void rejectsWhatIsNotAPolicyDocument() {
        rejects("{\"rules\": [", "the lifecycle policy is not valid JSON");
        rejects("[1,2]", "instance type (array) does not match any allowed primitive type (allowed: [\"object\"])");
        rejects("{}", "object has missing required properties ([\"rules\"])");
        rejects(
                "{\"rules\":[],\"extra\":1}",
                "object instance has properties which are not allowed by the schema: [\"extra\"]");
        rejects(
                "{\"rules\":{}}",
                "/rules: instance type (object) does not match any allowed primitive type (allowed: [\"array\"])");
        rejects(
                "{\"rules\":[]}",
                "/rules: array is too short: must have at least 1 elements but instance has 0 elements");
        rejects(
                "{\"rules\":[7]}",
                "/rules/0: instance type (integer) does not match any allowed primitive type (allowed: [\"object\"])");
    }

    @Test
    void rejectsMalformedRules() {
        String sel = "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        rejects(
                policy("{\"selection\":{" + sel + "},\"action\":{\"type\":\"expire\"}}"),
                "/rules/0: object has missing required properties ([\"rulePriority\"])");
        rejects(
                policy("{\"rulePriority\":1,\"action\":{\"type\":\"expire\"}}"),
                "/rules/0: object has missing required properties ([\"selection\"])");
        rejects(
                policy("{\"rulePriority\":1,\"selection\":{" + sel + "}}"),
                "/rules/0: object has missing required properties ([\"action\"])");
        rejects(
                policy("{\"rulePriority\":1,\"selection\":{" + sel
                        + "},\"action\":{\"type\":\"expire\"},\"when\":\"now\"}"),
                "/rules/0: object instance has properties which are not allowed by the schema: [\"when\"]");
        rejects(
                policy("{\"rulePriority\":\"1\",\"selection\":{" + sel + "},\"action\":{\"type\":\"expire\"}}"),
                "/rules/0/rulePriority: instance type (string) does not match any allowed primitive type (allowed: [\"integer\"])");
        rejects(
                policy("{\"rulePriority\":0,\"selection\":{" + sel + "},\"action\":{\"type\":\"expire\"}}"),
                "/rules/0/rulePriority: numeric instance is lower than the required minimum (minimum: 1, found: 0)");
        rejects(
                policy("{\"rulePriority\":1,\"description\":5,\"selection\":{" + sel
                        + "},\"action\":{\"type\":\"expire\"}}"),
                "/rules/0/description: instance type (integer) does not match any allowed primitive type (allowed: [\"string\"])");
        rejects(
                policy("{\"rulePriority\":1,\"selection\":{" + sel + "},\"action\":{\"type\":\"delete\"}}"),
                "/rules/0/action/type: instance value (\"delete\") not found in enum (possible values: [\"expire\"])");
        rejects(
                policy("{\"rulePriority\":1,\"selection\":{" + sel + "},\"action\":{}}"),
                "/rules/0/action: object has missing required properties ([\"type\"])");
    }

    @Test
    void rejectsMalformedSelections() {
        rejects(
                policy(rule(1, "\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection: object has missing required properties ([\"tagStatus\"])");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countNumber\":1")),
                "/rules/0/selection: object has missing required properties ([\"countType\"])");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\"")),
                "/rules/0/selection: object has missing required properties ([\"countNumber\"])");
        rejects(
                policy(rule(1, "\"tagStatus\":\"some\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection/tagStatus: instance value (\"some\") not found in enum (possible values: [\"tagged\", \"untagged\", \"any\"])");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountLessThan\",\"countNumber\":1")),
                "/rules/0/selection/countType: instance value (\"imageCountLessThan\") not found in enum (possible values: "
                        + "[\"imageCountMoreThan\", \"sinceImagePushed\", \"sinceImagePulled\"])");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":0")),
                "/rules/0/selection/countNumber: numeric instance is lower than the required minimum (minimum: 1, found: 0)");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1.5")),
                "/rules/0/selection/countNumber: instance type (number) does not match any allowed primitive type (allowed: [\"integer\"])");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1,\"tagFilter\":\"x\"")),
                "/rules/0/selection: object instance has properties which are not allowed by the schema: [\"tagFilter\"]");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"tagged\",\"tagPrefixList\":\"prod\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection/tagPrefixList: instance type (string) does not match any allowed primitive type (allowed: [\"array\"])");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection/tagPatternList/0: string \"\" is too short (length: 0, required minimum: 1)");
    }

    @Test
    void countUnitGoesWithTheSinceCountTypesOnly() {
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countUnit\":\"days\",\"countNumber\":1")),
                "/rules/0/selection: countUnit can only be used with countType sinceImagePushed or sinceImagePulled");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countNumber\":1")),
                "/rules/0/selection: countUnit is required when countType is sinceImagePushed");
        rejects(
                policy(rule(1, "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePulled\",\"countNumber\":1")),
                "/rules/0/selection: countUnit is required when countType is sinceImagePulled");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"hours\",\"countNumber\":1")),
                "/rules/0/selection/countUnit: instance value (\"hours\") not found in enum (possible values: [\"days\"])");
    }

    @Test
    void tagListsBelongToTaggedRulesOnly() {
        rejects(
                policy(rule(1, "\"tagStatus\":\"tagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection: tagPrefixList or tagPatternList is required when tagStatus is tagged");
        rejects(
                policy(rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"a\"],\"tagPatternList\":[\"b*\"],"
                                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection: a rule can specify tagPrefixList or tagPatternList, not both");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"tagged\",\"tagPrefixList\":[],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection/tagPrefixList: array is too short: must have at least 1 elements but instance has 0 elements");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"untagged\",\"tagPrefixList\":[\"a\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection: tagPrefixList and tagPatternList can only be used when tagStatus is tagged");
        rejects(
                policy(
                        rule(
                                1,
                                "\"tagStatus\":\"any\",\"tagPatternList\":[\"a*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection: tagPrefixList and tagPatternList can only be used when tagStatus is tagged");
    }

    @Test
    void patternsHaveAtMostFourWildcards() {
        LifecyclePolicyParser.parse(
                MAPPER,
                policy(rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*a*b*c*\"],"
                                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1")));
        rejects(
                policy(rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*a*b*c*d*\"],"
                                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1")),
                "/rules/0/selection/tagPatternList: the pattern '*a*b*c*d*' has more than 4 wildcards (*)");
    }

    @Test
    void rulesAgreeWithEachOther() {
        String untagged = "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        String any = "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        String prod =
                "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\",\"v\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1";
        String prodAgain =
                "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"v\",\"prod\"],\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":1";
        rejects(
                policy(rule(1, untagged), rule(1, prod)),
                "rulePriority must be unique across rules; 1 is used more than once");
        rejects(
                policy(rule(5, any), rule(6, prod)),
                "the rule with tagStatus 'any' (rulePriority 5) must have the highest rulePriority and be evaluated last");
        rejects(policy(rule(1, untagged), rule(2, untagged)), "only one rule can select untagged images");
        rejects(
                policy(rule(1, prod), rule(2, prodAgain)),
                "rules must select unique sets of tags; rulePriority 2 repeats the tag list of another rule");
        LifecyclePolicyParser.parse(MAPPER, policy(rule(7, untagged), rule(3, prod), rule(9, any)));
    }

    @Test
    void atMostFiftyRules() {
        String[] rules = new String[51];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = rule(
                    i + 1,
                    "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"t" + i
                            + "\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1");
        }
        rejects(policy(rules), "/rules: array is too long: must have at most 50 elements but instance has 51 elements");
    }
}
