package dev.berth.scheduler.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import dev.berth.scheduler.ContainerInstance;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CQL grammar: ECS's documented examples, precedence, spellings, and malformed input. */
class CqlParserTest {

    static final ContainerInstance T2_SMALL_1A = ContainerInstance.builder("arn:ci/1")
            .ec2InstanceId("i-abcd1234")
            .agentVersion("1.27.0")
            .registeredAt(Instant.parse("2018-06-18T22:28:28Z"))
            .attributes(Map.of(
                    "ecs.instance-type",
                    "t2.small",
                    "ecs.availability-zone",
                    "us-east-1a",
                    "ecs.os-type",
                    "linux",
                    "stack",
                    "prod",
                    "weight",
                    "9",
                    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
                    ""))
            .taskGroups(Map.of("service:production", 2, "family:web", 1))
            .build();

    static final ContainerInstance G2_1D = ContainerInstance.builder("arn:ci/2")
            .ec2InstanceId("i-wxyx7890")
            .agentVersion("1.100.1")
            .agentConnected(false)
            .registeredAt(Instant.parse("2020-01-01T00:00:00Z"))
            .attributes(
                    Map.of("ecs.instance-type", "g2.2xlarge", "ecs.availability-zone", "us-east-1d", "weight", "10"))
            .build();

    static boolean eval(String expression, ContainerInstance instance) {
        return Cql.parse(expression).matches(instance);
    }

    @ParameterizedTest(name = "{0} -> t2.small/1a {1}, g2/1d {2}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '`',
            value = {
                // examples from the ECS developer guide
                "attribute:ecs.instance-type == t2.small; true; false",
                "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]; true; false",
                "attribute:ecs.instance-type =~ g2.*; false; true",
                "attribute:ecs.instance-type !~ t2.*; false; true",
                "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d; false; false",
                "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d; true; false",
                "task:group == service:production; true; false",
                "not(task:group == database); true; true",
                "runningTasksCount == 0; false; true",
                "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']; true; true",
                "registeredAt < 2018-06-19; true; false",
                "registeredAt >= 2018-06-18T22:28:28+00:00; true; true",
                "registeredAt > 2018-06-18T22:28:28Z; false; true",
                "registeredAt == 2018-06-18; true; false",
                "registeredAt != 2018-06-18T22:28:28; false; true",
                "agentConnected == false; false; true",
                "agentVersion < 1.100.0; true; false",
                "agentVersion >= 1.27; true; true",
                // word spellings, symbols, exists
                "attribute:ecs.instance-type equals t2.small or attribute:weight greater_than 9; true; true",
                "attribute:stack exists; true; false",
                "attribute:stack !exists; false; true",
                "attribute:stack not_exists && attribute:weight less_than_equal 10; false; true",
                "attribute:com.amazonaws.ecs.capability.docker-remote-api.1.19 exists; true; false",
                "attribute:ecs.availability-zone !in [us-east-1a]; false; true",
                "attribute:ecs.availability-zone not_in [us-east-1a, us-east-1d]; false; false",
                "attribute:ecs.instance-type matches 't2\\.(small|medium)'; true; false",
                "attribute:ecs.instance-type not_matches \"g2.*\"; true; false",
                "task:group =~ family:.*; true; false",
                "attribute:ecs.instance-type =~ (t2|m5).[a-z]+; true; false",
                "not(attribute:ecs.instance-type =~ t2.*); false; true",
                "task:group exists; true; false",
                "task:group in [family:web, x]; true; false",
                "task:group !in [family:web, x]; false; true",
                "!(attribute:stack == prod) || attribute:weight > 9; false; true",
            })
    void documentedExamplesEvaluate(String expression, boolean onT2, boolean onG2) {
        assertThat(eval(expression, T2_SMALL_1A)).as("t2.small in 1a").isEqualTo(onT2);
        assertThat(eval(expression, G2_1D)).as("g2 in 1d").isEqualTo(onG2);
    }

    @Test
    void comparisonsAreNumericWhenBothSidesAreNumbersElseLexicographic() {
        assertThat(eval("attribute:weight > 9", G2_1D)).isTrue(); // 10 > 9 numerically
        assertThat(eval("attribute:weight < 10.5", G2_1D)).isTrue();
        assertThat(eval("attribute:ecs.instance-type > g1", G2_1D)).isTrue(); // "g2.2xlarge" > "g1"
        assertThat(eval("attribute:weight > 10a", G2_1D)).isFalse(); // "10" < "10a" as text
    }

    @Test
    void andBindsTighterThanOrAndNotTighterThanAnd() {
        // a or b and c == a or (b and c): with a true, c false, the result is true
        String e = "attribute:stack == prod or attribute:weight == 9 and attribute:stack == dev";
        assertThat(eval(e, T2_SMALL_1A)).isTrue();
        assertThat(Cql.parse(e)).isInstanceOf(Expression.Or.class);
        // not a and b == (not a) and b
        String n = "not attribute:stack == dev and attribute:weight == 9";
        assertThat(Cql.parse(n)).isInstanceOf(Expression.And.class);
        assertThat(eval(n, T2_SMALL_1A)).isTrue();
        assertThat(eval("(attribute:stack == prod or attribute:weight == 9) and attribute:stack == dev", T2_SMALL_1A))
                .isFalse();
    }

    @Test
    void keywordsAreValuesWhereAValueIsExpected() {
        ContainerInstance i =
                ContainerInstance.builder("a").attributes(Map.of("mode", "and")).build();
        assertThat(eval("attribute:mode == and", i)).isTrue();
        assertThat(eval("attribute:mode in [or, and]", i)).isTrue();
    }

    @Test
    void missingAttributeFailsPositiveOperatorsAndPassesTheirNegations() {
        assertThat(eval("attribute:nope == x", G2_1D)).isFalse();
        assertThat(eval("attribute:nope != x", G2_1D)).isTrue();
        assertThat(eval("attribute:nope > 1", G2_1D)).isFalse();
        assertThat(eval("attribute:nope in [x]", G2_1D)).isFalse();
        assertThat(eval("attribute:nope !in [x]", G2_1D)).isTrue();
        assertThat(eval("attribute:nope =~ .*", G2_1D)).isFalse();
    }

    @Test
    void expressionDependenciesAreReported() {
        assertThat(Cql.parse("attribute:a == b and attribute:c exists").attributesOnly())
                .isTrue();
        assertThat(Cql.parse("attribute:a == b and ec2InstanceId == i").attributesOnly())
                .isFalse();
        assertThat(Cql.parse("attribute:a == b and ec2InstanceId == i").isDynamic())
                .isFalse();
        assertThat(Cql.parse("not task:group == db").isDynamic()).isTrue();
        assertThat(Cql.parse("runningTasksCount < 3 or attribute:a == b").isDynamic())
                .isTrue();
    }

    @Test
    void lengthLimitIs2000Characters() {
        String ok = "attribute:a == " + "x".repeat(2000 - "attribute:a == ".length());
        assertThat(Cql.parse(ok)).isNotNull();
        assertThatThrownBy(() -> Cql.parse(ok + "x"))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("2000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void emptyIsInvalid(String text) {
        assertThatThrownBy(() -> Cql.parse(text)).isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.code())
                .isEqualTo("InvalidParameterException"));
    }

    @ParameterizedTest(name = "[{0}] -> position {1}, token {2}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '`',
            value = {
                "attribute:ecs.instance-type ==               ; 31; end of expression",
                "attribute:ecs.instance-type t2.small         ; 29; 't2.small'",
                "instance-type == t2.small                    ; 1 ; 'instance-type'",
                "attribute: == x                              ; 1 ; 'attribute:'",
                "attribute:a == b and                         ; 21; end of expression",
                "attribute:a == b or or attribute:c == d      ; 21; 'or'",
                "(attribute:a == b                            ; 18; end of expression",
                "attribute:a == b)                            ; 17; ')'",
                "attribute:a == b attribute:c == d            ; 18; 'attribute:c'",
                "attribute:a in x                             ; 16; 'x'",
                "attribute:a in [x, y                         ; 21; end of expression",
                "attribute:a in [x,, y]                       ; 19; ','",
                "attribute:a in []                            ; 17; ']'",
                "attribute:a =~ '[a-'                         ; 16; '[a-'",
                "attribute:a == 'unterminated                 ; 16; 'unterminated",
                "registeredAt > yesterday                     ; 16; 'yesterday'",
                "registeredAt =~ 2018.*                       ; 14; '=~'",
                "runningTasksCount > many                     ; 21; 'many'",
                "runningTasksCount exists                     ; 19; 'exists'",
                "ec2InstanceId > i-1                          ; 15; '>'",
                "agentConnected == maybe                      ; 19; 'maybe'",
                "task:group > 3                               ; 12; '>'",
                "== x                                         ; 1 ; '=='",
                "attribute:a = b                              ; 13; '='",
                "not                                          ; 4 ; end of expression",
                "attribute:a == b && || attribute:c == d      ; 21; '||'",
                "()                                           ; 2 ; ')'",
                "attribute:a == b & attribute:c == d          ; 18; '&'",
            })
    void malformedExpressionsNamePositionAndToken(String expression, int position, String token) {
        assertThatThrownBy(() -> Cql.parse(expression.strip())).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidParameterException");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains("position " + position + " ").contains(token);
        });
    }
}
