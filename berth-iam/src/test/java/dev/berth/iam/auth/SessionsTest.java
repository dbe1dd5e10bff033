package dev.berth.iam.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.time.OffsetClock;
import dev.berth.protocol.Caller;
import dev.berth.protocol.sigv4.ExpiredCredentialsException;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary credentials: the token is required and checked, expiry is on IAM's clock, a second process sees them. */
class SessionsTest {

    @TempDir
    Path dir;

    @Test
    void tokensAreCheckedAndSessionsExpire() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        OffsetClock clock = new OffsetClock(Clock.systemUTC());
        MasterKey master = MasterKey.of(new byte[32]);
        try (StateStore store = StateStores.open(null, dir.resolve("state"), 2)) {
            Sessions sessions = new Sessions(store, new Documents(mapper), master, clock);
            Caller role = new Caller(
                    Caller.Type.ASSUMED_ROLE,
                    "arn:aws:sts::000000000000:assumed-role/app/s1",
                    "AROAEXAMPLE:s1",
                    "000000000000",
                    null);
            Sessions.Issued issued = store.transact(tx -> sessions.create(
                    tx,
                    role,
                    new Caller.Session(
                            null,
                            "arn:aws:iam::000000000000:role/app",
                            "s1",
                            null,
                            List.of("{}"),
                            List.of(),
                            Map.of("team", "web"),
                            "arn:aws:iam::000000000000:user/ci"),
                    900));
            assertThat(issued.accessKeyId()).startsWith("ASIA").hasSize(20);
            assertThat(sessions.secretFor(issued.accessKeyId(), issued.sessionToken()))
                    .contains(issued.secretAccessKey());
            assertThat(sessions.secretFor(issued.accessKeyId(), "wrong")).isEmpty();
            assertThat(sessions.secretFor(issued.accessKeyId(), null)).isEmpty();
            assertThat(sessions.secretFor("ASIAUNKNOWN000000000", issued.sessionToken()))
                    .isEmpty();

            // another process sharing the store knows the session, with its details
            Sessions other = new Sessions(store, new Documents(mapper), master, clock);
            Caller seen = other.caller(issued.accessKeyId()).orElseThrow();
            assertThat(seen.arn()).isEqualTo(role.arn());
            assertThat(seen.session().roleArn()).isEqualTo("arn:aws:iam::000000000000:role/app");
            assertThat(seen.session().tags()).containsEntry("team", "web");
            assertThat(seen.session().policies()).containsExactly("{}");

            clock.advance(Duration.ofSeconds(900));
            assertThatThrownBy(() -> sessions.secretFor(issued.accessKeyId(), issued.sessionToken()))
                    .isInstanceOf(ExpiredCredentialsException.class);
            clock.advance(Duration.ofHours(1));
            assertThat(sessions.purgeExpired()).isEqualTo(1);
            assertThat(new Sessions(store, new Documents(mapper), master, clock).caller(issued.accessKeyId()))
                    .isEmpty();
        }
    }
}
