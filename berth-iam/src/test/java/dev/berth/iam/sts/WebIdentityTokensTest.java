package dev.berth.iam.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import dev.berth.store.crypto.MasterKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Web identity tokens against an operator-supplied JWKS file, and encoded authorization messages. */
class WebIdentityTokensTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    static String b64(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b[0] == 0 && b.length > 1) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String jwt(KeyPair pair, Map<String, Object> claims) throws Exception {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String head = enc.encodeToString(MAPPER.writeValueAsBytes(Map.of("alg", "RS256", "kid", "k1")));
        String body = enc.encodeToString(MAPPER.writeValueAsBytes(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + enc.encodeToString(s.sign());
    }

    @Test
    void aJwksFileServesProvidersBerthCannotReach() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        Files.writeString(
                dir.resolve("token.actions.example.com.jwks.json"),
                MAPPER.writeValueAsString(Map.of(
                        "keys",
                        List.of(Map.of(
                                "kty",
                                "RSA",
                                "kid",
                                "k1",
                                "n",
                                b64(pub.getModulus()),
                                "e",
                                b64(pub.getPublicExponent()))))));
        WebIdentityTokens tokens = new WebIdentityTokens(MAPPER, dir, Clock.systemUTC());
        long now = Instant.now().getEpochSecond();
        String token = jwt(
                pair,
                Map.of(
                        "iss",
                        "https://token.actions.example.com",
                        "aud",
                        List.of("sts.amazonaws.com", "x"),
                        "sub",
                        "repo:a/b",
                        "exp",
                        now + 60));
        var claims = tokens.verify(token, "token.actions.example.com", "https://token.actions.example.com");
        assertThat(claims.subject()).isEqualTo("repo:a/b");
        assertThat(claims.audiences()).containsExactly("sts.amazonaws.com", "x");

        // no file and not loopback: the keys cannot be had
        assertThatThrownBy(() -> tokens.verify(token, "other.example.com", "https://other.example.com"))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidIdentityToken");
                    assertThat(e.getMessage()).startsWith("Couldn't retrieve verification key");
                });
        assertThatThrownBy(() -> tokens.peek("not-a-jwt"))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.getMessage()).isEqualTo(WebIdentityTokens.NOT_JWT));
        String expired = jwt(pair, Map.of("iss", "https://token.actions.example.com", "aud", "a", "exp", now - 1));
        assertThatThrownBy(
                        () -> tokens.verify(expired, "token.actions.example.com", "https://token.actions.example.com"))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("ExpiredTokenException"));
    }

    @Test
    void authorizationMessagesRoundTripAndRefuseForgeries() {
        AuthorizationMessages messages = new AuthorizationMessages(MasterKey.of(new byte[32]));
        String encoded = messages.encode("{\"allowed\":false}");
        assertThat(messages.decode(encoded)).isEqualTo("{\"allowed\":false}");
        assertThatThrownBy(() -> messages.decode(encoded.substring(0, encoded.length() - 2) + "AA"))
                .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.code())
                        .isEqualTo("InvalidAuthorizationMessageException"));
        assertThatThrownBy(() -> new AuthorizationMessages(MasterKey.of(new byte[32])).decode("%%%"))
                .isInstanceOf(AwsException.class);
    }
}
