package dev.berth.iam;

import dev.berth.iam.api.Directory;
import dev.berth.iam.api.Iam;
import dev.berth.iam.api.IamApi;
import dev.berth.iam.api.PolicyDocs;
import dev.berth.iam.auth.AccessKeys;
import dev.berth.iam.auth.RootOnlyAuthorizer;
import dev.berth.iam.auth.Sessions;
import dev.berth.iam.auth.SigV4Authenticator;
import dev.berth.iam.sts.AuthorizationMessages;
import dev.berth.iam.sts.StsApi;
import dev.berth.iam.sts.WebIdentityTokens;
import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.model.time.OffsetClock;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.model.ServiceModel;
import java.time.Duration;

/**
 * Identity: IAM (users, groups, roles, managed and inline policies, access keys, instance profiles,
 * OIDC providers, the policy simulator), the access keys Berth accepts, the SigV4 authenticator the
 * front door asks about every call (long-term keys and STS session credentials), and STS. Built
 * first, because every other module's callers are authenticated with it.
 *
 * <p>Publishes {@link #keys()} (the model's {@link AccessKeyDirectory}, for modules that verify
 * signatures or Basic auth themselves), {@link #authenticator()} and {@link #directory()} (identities
 * and their compiled policies, for the authorization step to come).
 *
 * <p>IAM and STS take time from their own {@link OffsetClock} ({@link #clock()}): session expiry is
 * measured on it, so a test can let temporary credentials expire without touching the clock SigV4
 * signatures are checked against.
 */
public final class IamModule implements ServiceModule {

    private final AccessKeys keys;
    private final AccessKeyDirectory.Key rootKey;
    private final SigV4Authenticator authenticator;
    private final OffsetClock clock;
    private final Sessions sessions;
    private final Directory directory;
    private final IamApi iam;
    private final StsApi sts;

    /**
     * @param presetRootId the root access key id to use, or null to keep (or create) the stored one
     * @param presetRootSecret its secret, with {@code presetRootId}
     */
    public IamModule(ModuleContext ctx, String presetRootId, String presetRootSecret) {
        this.clock = new OffsetClock(ctx.clock());
        this.keys = new AccessKeys(ctx.store(), ctx.docs(), ctx.masterKey());
        this.rootKey = keys.ensureRoot(ctx.platform().accountId(), presetRootId, presetRootSecret);
        this.sessions = new Sessions(ctx.store(), ctx.docs(), ctx.masterKey(), clock);
        this.authenticator = new SigV4Authenticator(keys, sessions, ctx.clock(), clock, ctx.platform());
        Iam shared = new Iam(ctx.mapper(), ctx.platform().accountId(), clock);
        PolicyDocs docs = new PolicyDocs(ctx.mapper());
        this.directory = new Directory(shared, docs);
        this.iam =
                new IamApi(ServiceModel.load(ctx.mapper(), IamApi.MODEL), ctx.store(), shared, docs, keys, directory);
        this.sts = new StsApi(
                ServiceModel.load(ctx.mapper(), StsApi.MODEL),
                ctx.store(),
                directory,
                sessions,
                keys,
                new WebIdentityTokens(ctx.mapper(), ctx.dataDir().resolve("iam").resolve("oidc"), clock),
                new AuthorizationMessages(ctx.masterKey()),
                clock,
                ctx.platform().accountId(),
                ctx.platform().region());
    }

    @Override
    public String name() {
        return "iam";
    }

    @Override
    public void contribute(Contributions to) {
        to.query(sts);
        to.query(iam);
        to.every(Duration.ofMinutes(10), "expired STS sessions", sessions::purgeExpired);
    }

    /** The access keys, as other modules see them. */
    public AccessKeyDirectory keys() {
        return keys;
    }

    /** The front door's authenticator (SigV4 against {@link #keys()} and STS sessions). */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** The account's root key (written to the credentials file). */
    public AccessKeyDirectory.Key rootKey() {
        return rootKey;
    }

    /** Whether the key that signed a call is a root key. */
    public boolean isRoot(String accessKeyId) {
        return keys.find(accessKeyId).map(AccessKeyDirectory.Key::root).orElse(false);
    }

    /** Secrets of long-term keys and STS sessions, for modules that verify SigV4 themselves (S3). */
    public dev.berth.protocol.sigv4.CredentialResolver credentials() {
        return authenticator.credentials();
    }

    /** The account of a long-term or session access key. */
    public java.util.Optional<String> accountOf(String accessKeyId) {
        return authenticator.accountOf(accessKeyId);
    }

    /** Who may call what: for now only the root key may call beyond STS ({@link RootOnlyAuthorizer}). */
    public dev.berth.protocol.Authorizer authorizer() {
        return new RootOnlyAuthorizer();
    }

    /**
     * {@link #accountOf} for the S3 endpoint under {@link RootOnlyAuthorizer}'s rule: a signature of
     * any other key than the root's is refused with S3's {@code AccessDenied}.
     */
    public java.util.Optional<String> rootAccountOf(String accessKeyId) {
        java.util.Optional<String> account = accountOf(accessKeyId);
        if (account.isPresent() && !isRoot(accessKeyId)) {
            throw new dev.berth.model.error.AwsException(
                    "AccessDenied",
                    403,
                    "Access key " + accessKeyId + " is not the account's root key: Berth does not evaluate IAM"
                            + " policies yet, and until it does only the root credentials may call S3.");
        }
        return account;
    }

    /** IAM's identities and their compiled policies. */
    public Directory directory() {
        return directory;
    }

    /** The clock IAM and STS use (session expiry); tests move it forward. */
    public OffsetClock clock() {
        return clock;
    }

    /** Seals and opens the encoded authorization messages STS DecodeAuthorizationMessage reads. */
    public AuthorizationMessages authorizationMessages() {
        return sts.messages();
    }
}
