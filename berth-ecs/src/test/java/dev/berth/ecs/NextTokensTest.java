package dev.berth.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import org.junit.jupiter.api.Test;

class NextTokensTest {

    @Test
    void roundTripsKeysIncludingUnicodeAndSlashes() {
        String token = NextTokens.encode("ListClusters", "fam/ily/0000000001-é");
        assertThat(NextTokens.decode("ListClusters", token)).isEqualTo("fam/ily/0000000001-é");
        assertThat(NextTokens.encode("ListClusters", null)).isNull();
        assertThat(NextTokens.decode("ListClusters", null)).isNull();
    }

    @Test
    void rejectsTokensOfOtherOperationsAndGarbage() {
        String token = NextTokens.encode("ListClusters", "a");
        for (String bad : new String[] {"", "%%%", "abc", "YjEKTGlzdENsdXN0ZXJz"}) {
            assertThatThrownBy(() -> NextTokens.decode("ListClusters", bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterException"));
        }
        assertThatThrownBy(() -> NextTokens.decode("ListTaskDefinitions", token))
                .isInstanceOf(AwsException.class);
    }

    @Test
    void maxResultsFollowsEcs() {
        assertThat(NextTokens.maxResults(null)).isEqualTo(100);
        assertThat(NextTokens.maxResults(1)).isEqualTo(1);
        assertThat(NextTokens.maxResults(100)).isEqualTo(100);
        assertThatThrownBy(() -> NextTokens.maxResults(0)).isInstanceOf(AwsException.class);
        assertThatThrownBy(() -> NextTokens.maxResults(101)).isInstanceOf(AwsException.class);
    }
}
