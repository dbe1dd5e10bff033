package dev.berth.model.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** awslogs options as Docker's driver and ECS accept or refuse them. */
class AwslogsOptionsTest {

    static Map<String, String> base(String... extra) {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("awslogs-group", "/ecs/web");
        m.put("awslogs-region", "us-east-1");
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsAndStreamNames() {
        AwslogsOptions o = AwslogsOptions.parse(base("awslogs-stream-prefix", "web"));
        assertThat(o.createGroup()).isFalse();
        assertThat(o.nonBlocking()).isFalse();
        assertThat(o.maxBufferBytes()).isEqualTo(1024 * 1024);
        assertThat(o.multiline()).isNull();
        assertThat(o.streamName("app", "abc123", "f00")).isEqualTo("web/app/abc123");
        assertThat(AwslogsOptions.parse(base()).streamName("app", "abc123", "f00d"))
                .isEqualTo("f00d");
    }

    @Test
    void modesBuffersAndBooleans() {
        AwslogsOptions o = AwslogsOptions.parse(
                base("mode", "non-blocking", "max-buffer-size", "25m", "awslogs-create-group", "True"));
        assertThat(o.nonBlocking()).isTrue();
        assertThat(o.maxBufferBytes()).isEqualTo(25L << 20);
        assertThat(o.createGroup()).isTrue();
        assertThat(AwslogsOptions.parse(base("mode", "non-blocking", "max-buffer-size", "512k"))
                        .maxBufferBytes())
                .isEqualTo(512L << 10);
        assertThat(AwslogsOptions.parse(base("mode", "non-blocking", "max-buffer-size", "4096"))
                        .maxBufferBytes())
                .isEqualTo(4096);
    }

    @Test
    void multilineFromPatternOrDatetimeFormat() {
        AwslogsOptions p = AwslogsOptions.parse(base("awslogs-multiline-pattern", "^INFO|^ERROR"));
        assertThat(p.multiline().matcher("ERROR x").find()).isTrue();
        assertThat(p.multiline().matcher("  at frame").find()).isFalse();
        AwslogsOptions d = AwslogsOptions.parse(base("awslogs-datetime-format", "%Y-%m-%d %H:%M:%S"));
        assertThat(d.multiline().matcher("2024-03-07 12:30:59 started").find()).isTrue();
        assertThat(d.multiline().matcher("x 2024-03-07 12:30:59").find())
                .as("anchored at the line start")
                .isFalse();
        assertThat(d.multiline().matcher("2024-13-07 12:30:59").find()).isFalse();
        assertThat(AwslogsOptions.strftimeToRegex("[%b %d, %Y %L]"))
                .isEqualTo(
                        "[(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:0[1-9]|[1,2][0-9]|3[0,1]), \\d{4} \\.\\d{3}]");
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> AwslogsOptions.parse(base("awslogs-colour", "x")))
                .hasMessage("unknown log opt 'awslogs-colour' for awslogs log driver");
        assertThatThrownBy(() -> AwslogsOptions.parse(Map.of("awslogs-group", "g")))
                .hasMessage("Log driver awslogs requires options: awslogs-region, awslogs-group");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("mode", "fast")))
                .hasMessage("logger: logging mode not supported: fast");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("max-buffer-size", "4m")))
                .hasMessage("logger: max-buffer-size option is only supported with 'mode=non-blocking'");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("mode", "non-blocking", "max-buffer-size", "lots")))
                .hasMessageStartingWith("invalid max-buffer-size 'lots'");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("awslogs-create-group", "yes")))
                .hasMessageStartingWith("awslogs-create-group must be a boolean");
        assertThatThrownBy(() ->
                        AwslogsOptions.parse(base("awslogs-datetime-format", "%Y", "awslogs-multiline-pattern", "^x")))
                .hasMessageContaining("at the same time");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("awslogs-multiline-pattern", "(unclosed")))
                .hasMessageStartingWith("awslogs multiline pattern does not compile");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("awslogs-stream-prefix", "a:b")))
                .hasMessageContaining("awslogs-stream-prefix");
        assertThatThrownBy(() -> AwslogsOptions.parse(base("awslogs-group", "bad group!")))
                .hasMessageContaining("not a valid log group name");
    }
}
