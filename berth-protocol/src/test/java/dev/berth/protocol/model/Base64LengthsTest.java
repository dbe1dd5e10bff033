package dev.berth.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64LengthsTest {

    /** What the JDK's basic decoder says, the handlers' view of the same text. */
    private static long jdk(String s) {
        try {
            return Base64.getDecoder().decode(s).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnEveryShortStringOfTrickyCharacters() {
        char[] alphabet = {'A', 'z', '9', '+', '/', '=', '-', '\n'};
        for (int len = 0; len <= 6; len++) {
            int combos = (int) Math.pow(alphabet.length, len);
            for (int k = 0; k < combos; k++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0, v = k; i < len; i++, v /= alphabet.length) {
                    sb.append(alphabet[v % alphabet.length]);
                }
                String s = sb.toString();
                assertThat(Base64Lengths.decodedLength(s)).as("'%s'", s).isEqualTo(jdk(s));
            }
        }
    }

    @Test
    void measuresEncodedRandomBytesOfEveryLengthPaddedOrNot() {
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            assertThat(Base64Lengths.decodedLength(Base64.getEncoder().encodeToString(bytes)))
                    .isEqualTo(n);
            assertThat(Base64Lengths.decodedLength(
                            Base64.getEncoder().withoutPadding().encodeToString(bytes)))
                    .isEqualTo(n);
        }
    }
}
