package dev.berth.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Lines into CloudWatch events as Docker's awslogs driver makes them. */
class LineGrouperTest {

    final List<LineGrouper.Event> out = new ArrayList<>();

    static long ns(long ms) {
        return ms * 1_000_000L + 123;
    }

    @Test
    void oneEventPerLineAndNoEmptyEvents() {
        LineGrouper g = new LineGrouper(null, out::add);
        g.line("first", ns(10), 0);
        g.line("", ns(11), 0);
        g.line("second", ns(12), 0);
        assertThat(out).extracting(LineGrouper.Event::message).containsExactly("first", "second");
        assertThat(out).extracting(LineGrouper.Event::timestamp).containsExactly(10L, 12L);
        assertThat(out.getLast().lastLineNanos()).isEqualTo(ns(12));
    }

    @Test
    void multilineGroupsContinuationLinesUntilTheNextStart() {
        LineGrouper g = new LineGrouper(Pattern.compile("^\\d{4}-"), out::add);
        g.line("2024-01-01 boom", ns(1), 0);
        g.line("  at a()", ns(2), 0);
        g.line("  at b()", ns(3), 0);
        assertThat(out).isEmpty();
        g.line("2024-01-01 next", ns(4), 0);
        assertThat(out).extracting(LineGrouper.Event::message).containsExactly("2024-01-01 boom\n  at a()\n  at b()\n");
        assertThat(out.getFirst().timestamp()).isEqualTo(1);
        assertThat(out.getFirst().lastLineNanos()).isEqualTo(ns(3));
        g.idle(500);
        assertThat(out).hasSize(1);
        g.idle(1000);
        assertThat(out).extracting(LineGrouper.Event::message).endsWith("2024-01-01 next\n");
        g.line("orphan continuation", ns(5), 2000);
        g.finish();
        assertThat(out.getLast().message()).isEqualTo("orphan continuation\n");
    }

    @Test
    void oversizedMessagesAreSplitOnCharacterBoundaries() {
        String big = "é".repeat(LineGrouper.MAX_EVENT_BYTES); // two bytes each
        List<String> parts = LineGrouper.split(big);
        assertThat(parts).hasSize(2);
        assertThat(String.join("", parts)).isEqualTo(big);
        parts.forEach(p ->
                assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LineGrouper.MAX_EVENT_BYTES));
    }
}
