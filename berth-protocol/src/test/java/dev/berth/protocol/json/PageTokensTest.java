package dev.berth.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PageTokensTest {

    private static final Supplier<AwsException> INVALID =
            () -> new AwsException("InvalidNextTokenException", 400, "bad token");

    @Test
    void roundTripsKeysWithinTheirScope() {
        String token = PageTokens.encode("ListImages\nrepo", "repo/sha256:ab/é\nline");
        assertThat(PageTokens.decode("ListImages\nrepo", token, INVALID)).isEqualTo("repo/sha256:ab/é\nline");
        assertThat(PageTokens.encode("ListImages\nrepo", null)).isNull();
        assertThat(PageTokens.decode("ListImages\nrepo", null, INVALID)).isNull();
    }

    @Test
    void refusesTokensOfAnotherScopeAndGarbageWithTheServicesError() {
        String token = PageTokens.encode("ListImages\nrepo", "k");
        for (String scope :
                new String[] {"ListImages\nrep", "ListImages\nrepoA", "DescribeImages\nrepo", "ListImages"}) {
            assertThatThrownBy(() -> PageTokens.decode(scope, token, INVALID))
                    .as(scope)
                    .isInstanceOfSatisfying(
                            AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidNextTokenException"));
        }
        String empty = PageTokens.encode("ListKeys", "");
        for (String bad : new String[] {"", "%%%", "abc", empty}) {
            assertThatThrownBy(() -> PageTokens.decode("ListKeys", bad, INVALID))
                    .as(bad)
                    .isInstanceOf(AwsException.class);
        }
    }
}
