package dev.berth.ecs.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagRulesTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void parsesAndRejectsReservedAndDuplicateKeys() throws Exception {
        assertThat(TagRules.parse(mapper.readTree("[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\"}]")))
                .containsExactly(new Tag("a", "1"), new Tag("b", ""));
        assertThat(TagRules.parse(null)).isEmpty();
        assertThatThrownBy(() -> TagRules.parse(mapper.readTree("[{\"key\":\"AWS:x\",\"value\":\"1\"}]")))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> TagRules.parse(mapper.readTree("[{\"key\":\"a\"},{\"key\":\"a\"}]")))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("Duplicate");
    }

    @Test
    void mergeOverwritesAndCapsAtFifty() {
        List<Tag> existing = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            existing.add(new Tag("k" + i, "v"));
        }
        List<Tag> merged = TagRules.merge(existing, List.of(new Tag("k0", "new"), new Tag("k49", "v")));
        assertThat(merged).hasSize(50).contains(new Tag("k0", "new"));
        assertThatThrownBy(() -> TagRules.merge(merged, List.of(new Tag("k50", "v"))))
                .isInstanceOf(AwsException.class)
                .hasMessageContaining("at most 50");
    }

    @Test
    void removeRefusesReservedKeys() {
        List<Tag> tags = List.of(new Tag("a", "1"), new Tag("b", "2"));
        assertThat(TagRules.remove(tags, List.of("a", "zzz"))).containsExactly(new Tag("b", "2"));
        assertThatThrownBy(() -> TagRules.remove(tags, List.of("aws:x"))).isInstanceOf(AwsException.class);
    }
}
