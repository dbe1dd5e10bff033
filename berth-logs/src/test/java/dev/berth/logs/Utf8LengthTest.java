package dev.berth.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PutLogEvents counts a batch's UTF-8 bytes without encoding it: the count must equal what is stored. */
class Utf8LengthTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "plain ascii",
                "größer",
                "日本語のログ",
                "emoji 🚀 and 𝄞",
                "\uD800 lone high",
                "lone low \uDC00",
                "\uDC00\uD800 reversed pair",
                "mixed é 中 🚀 end"
            })
    void equalsTheEncodedLength(String s) {
        assertThat(LogEventApi.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
}
