package dev.berth.secrets.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import org.junit.jupiter.api.Test;

/** Parameter Store's naming rules and reference parsing. */
class ParameterNamesTest {

    final ParameterNames names = new ParameterNames(new Platform("000000000000", "us-east-1"));

    static void rejected(Runnable r, String code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }

    @Test
    void namesFollowAwsRules() {
        names.checkNew("plain");
        names.checkNew("/a/b-c_d.e");
        names.checkNew("/" + "x/".repeat(14) + "y");
        rejected(() -> names.checkNew("/" + "x/".repeat(15) + "y"), "HierarchyLevelLimitExceededException");
        for (String bad : new String[] {"a/b", "/a//b", "/a/", "/a b", "AWS.x", "/ssm/x", "/Aws/x", "/a:b"}) {
            rejected(() -> names.checkNew(bad), "ValidationException");
        }
        rejected(() -> names.checkNew("/" + "n".repeat(1011)), "ValidationException");
    }

    @Test
    void referencesCarryVersionOrLabelSelectors() {
        assertThat(names.parse("/a/b:3", true)).isEqualTo(new ParameterNames.Ref("/a/b", 3L, null, null));
        assertThat(names.parse("/a/b:prod", true)).isEqualTo(new ParameterNames.Ref("/a/b", null, "prod", null));
        assertThat(names.parse("arn:aws:ssm:us-east-1:000000000000:parameter/a/b", true)
                        .name())
                .isEqualTo("/a/b");
        ParameterNames.Ref top = names.parse("arn:aws:ssm:us-east-1:000000000000:parameter/top", true);
        assertThat(top.name()).isEqualTo("/top");
        assertThat(top.alternate()).isEqualTo("top");
        rejected(() -> names.parse("arn:aws:ssm:us-east-1:111111111111:parameter/a", true), "ParameterNotFound");
        rejected(() -> names.parse("/a:1", false), "ValidationException");
        assertThat(names.arnOf("top")).isEqualTo("arn:aws:ssm:us-east-1:000000000000:parameter/top");
        assertThat(names.arnOf("/a/b")).isEqualTo("arn:aws:ssm:us-east-1:000000000000:parameter/a/b");
    }

    @Test
    void labelRules() {
        assertThat(ParameterNames.validLabel("prod")).isTrue();
        assertThat(ParameterNames.validLabel("1st")).isFalse();
        assertThat(ParameterNames.validLabel("awsx")).isFalse();
        assertThat(ParameterNames.validLabel("SSM-x")).isFalse();
        assertThat(ParameterNames.validLabel("a/b")).isFalse();
    }
}
