package dev.berth.iam.auth;

import dev.berth.model.Platform;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.Caller;
import dev.berth.protocol.sigv4.CredentialResolver;
import dev.berth.protocol.sigv4.Dialect;
import dev.berth.protocol.sigv4.Principal;
import dev.berth.protocol.sigv4.SigV4Verifier;
import dev.berth.protocol.sigv4.SignedRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front door's authenticator: SigV4 signatures checked against the long-term access keys in
 * {@link AccessKeys} (the root's and IAM users') and the temporary credentials in {@link Sessions}
 * (which must come with their session token), for the server's region. The call's {@link Caller}
 * is the principal behind the key: the root, an IAM user, or a role session.
 */
public final class SigV4Authenticator implements Authenticator {

    private final AccessKeys keys;
    private final Sessions sessions;
    private final CredentialResolver credentials;
    private final SigV4Verifier verifier;
    private final Platform platform;
    private final Clock iamClock;

    public SigV4Authenticator(AccessKeys keys, Sessions sessions, Clock clock, Clock iamClock, Platform platform) {
        this.keys = keys;
        this.sessions = sessions;
        this.platform = platform;
        this.iamClock = iamClock;
        this.credentials = new CredentialResolver() {
            @Override
            public Optional<String> secretFor(String accessKeyId) {
                return keys.find(accessKeyId).map(k -> k.secretAccessKey());
            }

            @Override
            public Optional<String> secretFor(String accessKeyId, String sessionToken) {
                if (sessionToken == null) {
                    return secretFor(accessKeyId);
                }
                return sessions.secretFor(accessKeyId, sessionToken);
            }
        };
        this.verifier = new SigV4Verifier(credentials, clock, platform.region());
    }

    @Override
    public CallContext authenticate(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            byte[] body,
            String service,
            Dialect dialect,
            String requestId) {
        Principal principal =
                verifier.verify(SignedRequest.of(method, rawPath, rawQuery, headers, body), service, dialect);
        String id = principal.accessKeyId();
        Caller caller;
        if (principal.sessionToken() != null) {
            caller = sessions.caller(id).orElseThrow();
        } else {
            AccessKeys.Owner owner = keys.owner(id).orElseThrow();
            if (owner.root()) {
                caller = Caller.root(owner.accountId());
            } else {
                caller = new Caller(Caller.Type.USER, owner.userArn(), owner.userId(), owner.accountId(), null);
                keys.recordUse(
                        id,
                        service,
                        principal.region(),
                        Instant.now(iamClock).truncatedTo(ChronoUnit.SECONDS).toString());
            }
        }
        return new CallContext(requestId, id, caller.accountId(), principal.region(), caller);
    }

    /**
     * The secrets of long-term keys and of STS sessions (with their token), for modules that verify
     * signatures themselves (the S3 endpoint).
     */
    public CredentialResolver credentials() {
        return credentials;
    }

    /** The account of a long-term key or an STS session key. */
    public Optional<String> accountOf(String accessKeyId) {
        if (accessKeyId != null && accessKeyId.startsWith("ASIA")) {
            return sessions.caller(accessKeyId).map(Caller::accountId);
        }
        return keys.owner(accessKeyId).map(AccessKeys.Owner::accountId);
    }

    @Override
    public CallContext anonymous(String requestId) {
        return new CallContext(
                requestId, "", platform.accountId(), platform.region(), Caller.anonymous(platform.accountId()));
    }
}
