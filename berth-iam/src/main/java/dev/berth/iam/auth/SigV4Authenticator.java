package dev.berth.iam.auth;

import dev.berth.model.Platform;
import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.sigv4.Dialect;
import dev.berth.protocol.sigv4.Principal;
import dev.berth.protocol.sigv4.SigV4Verifier;
import dev.berth.protocol.sigv4.SignedRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front door's authenticator: SigV4 signatures checked against the access keys in
 * {@link AccessKeys}, for the server's region. The caller's account is the account of the key.
 */
public final class SigV4Authenticator implements Authenticator {

    private final AccessKeyDirectory keys;
    private final SigV4Verifier verifier;

    public SigV4Authenticator(AccessKeyDirectory keys, Clock clock, Platform platform) {
        this.keys = keys;
        this.verifier = new SigV4Verifier(
                id -> keys.find(id).map(AccessKeyDirectory.Key::secretAccessKey), clock, platform.region());
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
        Optional<AccessKeyDirectory.Key> key = keys.find(principal.accessKeyId());
        String account = key.map(AccessKeyDirectory.Key::accountId).orElseThrow();
        return new CallContext(requestId, principal.accessKeyId(), account, principal.region());
    }
}
