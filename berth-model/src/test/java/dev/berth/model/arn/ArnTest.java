package dev.berth.model.arn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArnTest {

    @Test
    void formatsAndParsesEcsArns() {
        Arn arn = Arn.of("ecs", "us-east-1", "000000000000", "task-definition/web:3");
        assertThat(arn.toString()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-definition/web:3");
        Arn parsed = Arn.parse(arn.toString()).orElseThrow();
        assertThat(parsed).isEqualTo(arn);
        assertThat(parsed.resourceType()).isEqualTo("task-definition");
        assertThat(parsed.resourceId()).isEqualTo("web:3");
    }

    @Test
    void rejectsTextThatIsNotAnArn() {
        assertThat(Arn.parse("demo")).isEmpty();
        assertThat(Arn.parse("arn:aws:ecs:us-east-1")).isEmpty();
        assertThat(Arn.parse("arn::ecs:r:a:x")).isEmpty();
        assertThat(Arn.parse(null)).isEmpty();
    }
}
