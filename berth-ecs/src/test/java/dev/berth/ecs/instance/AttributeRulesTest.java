package dev.berth.ecs.instance;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeRulesTest {

    @Test
    void namesAndValuesFollowTheEcsCharacterSets() {
        assertThatCode(() -> AttributeRules.checkName("stack/blue_1.x\\y-z")).doesNotThrowAnyException();
        assertThatThrownBy(() -> AttributeRules.checkName("has space")).hasMessageContaining("Attribute name");
        assertThatThrownBy(() -> AttributeRules.checkName("a".repeat(129))).isInstanceOf(AwsException.class);
        assertThatThrownBy(() -> AttributeRules.checkName("")).isInstanceOf(AwsException.class);
        assertThatCode(() -> AttributeRules.checkValue("n", "a b@c:d/e\\f.g-h_i"))
                .doesNotThrowAnyException();
        assertThatCode(() -> AttributeRules.checkValue("n", null)).doesNotThrowAnyException();
        assertThatThrownBy(() -> AttributeRules.checkValue("n", " leading")).isInstanceOf(AwsException.class);
        assertThatThrownBy(() -> AttributeRules.checkValue("n", "trailing ")).isInstanceOf(AwsException.class);
        assertThatThrownBy(() -> AttributeRules.checkValue("n", "bang!")).isInstanceOf(AwsException.class);
        assertThatThrownBy(() -> AttributeRules.checkValue("n", "")).isInstanceOf(AwsException.class);
    }

    @Test
    void agentNamesAreReserved() {
        assertThatThrownBy(() -> AttributeRules.checkNotReserved("ecs.os-type")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> AttributeRules.checkNotReserved("com.amazonaws.ecs.capability.docker-remote-api.1.17"))
                .isInstanceOf(AwsException.class);
        assertThatCode(() -> AttributeRules.checkNotReserved("ecsx")).doesNotThrowAnyException();
    }

    @Test
    void atMostTenCustomAttributesCountingBothSources() {
        Map<String, String> agent = new LinkedHashMap<>();
        agent.put("ecs.os-type", "linux");
        agent.put("stack", "blue");
        Map<String, String> custom = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            custom.put("c" + i, "v");
        }
        assertThatCode(() -> AttributeRules.checkLimit("arn", agent, custom)).doesNotThrowAnyException();
        custom.put("stack", "green");
        assertThatCode(() -> AttributeRules.checkLimit("arn", agent, custom))
                .as("same name counts once")
                .doesNotThrowAnyException();
        custom.put("c9", null);
        assertThatThrownBy(() -> AttributeRules.checkLimit("arn", agent, custom))
                .isInstanceOfSatisfying(AwsException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo("AttributeLimitExceededException"));
    }
}
