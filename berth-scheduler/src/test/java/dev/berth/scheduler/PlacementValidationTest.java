package dev.berth.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Field validation and limits, as ECS answers them: InvalidParameterException, 400. */
class PlacementValidationTest {

    static void assertInvalid(Runnable r, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidParameterException");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void wireFormsConvert() {
        assertThat(PlacementStrategy.of("binpack", "memory"))
                .isEqualTo(new PlacementStrategy.Binpack(PlacementStrategy.Resource.MEMORY));
        assertThat(PlacementStrategy.of("binpack", "CPU"))
                .isEqualTo(new PlacementStrategy.Binpack(PlacementStrategy.Resource.CPU));
        assertThat(PlacementStrategy.of("spread", "host")).isEqualTo(new PlacementStrategy.Spread("host"));
        assertThat(((PlacementStrategy.Spread) PlacementStrategy.of("spread", "attribute:ecs.availability-zone"))
                        .attribute())
                .isEqualTo("ecs.availability-zone");
        assertThat(PlacementStrategy.of("random", null)).isInstanceOf(PlacementStrategy.RandomPlacement.class);
        assertThat(PlacementConstraint.of("distinctInstance", null))
                .isInstanceOf(PlacementConstraint.DistinctInstance.class);
        assertThat(PlacementConstraint.of("memberOf", "attribute:a == b"))
                .isInstanceOf(PlacementConstraint.MemberOf.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "binpack; ; binpack",
                "binpack; disk; disk",
                "spread; ; spread",
                "spread; availability-zone; availability-zone",
                "spread; attribute:; attribute:",
                "pack; memory; pack",
            })
    void badStrategies(String type, String field, String messagePart) {
        assertInvalid(() -> PlacementStrategy.of(type, field), messagePart);
    }

    @Test
    void badConstraints() {
        assertInvalid(() -> PlacementConstraint.of("distinctInstance", "attribute:a == b"), "distinctInstance");
        assertInvalid(() -> PlacementConstraint.of("memberOf", null), "memberOf");
        assertInvalid(() -> PlacementConstraint.of("memberof", "attribute:a == b"), "memberof");
        assertInvalid(() -> PlacementConstraint.of("memberOf", "attribute:a = b"), "position 13");
    }

    @Test
    void limitsCountTaskDefinitionAndCallConstraintsTogether() {
        PlacementConstraint c = PlacementConstraint.memberOf("attribute:a exists");
        PlacementStrategy s = PlacementStrategy.random();
        PlacementValidation.validate(Collections.nCopies(4, c), Collections.nCopies(6, c), Collections.nCopies(5, s));
        assertInvalid(
                () -> PlacementValidation.validate(Collections.nCopies(4, c), Collections.nCopies(7, c), List.of()),
                "11");
        assertInvalid(() -> PlacementValidation.validate(List.of(), List.of(), Collections.nCopies(6, s)), "6");
        PlacementValidation.validateTaskDefinition(Collections.nCopies(10, c));
        assertInvalid(() -> PlacementValidation.validateTaskDefinition(Collections.nCopies(11, c)), "11");
        assertInvalid(
                () -> PlacementValidation.validateTaskDefinition(List.of(PlacementConstraint.distinctInstance())),
                "distinctInstance");
    }
}
