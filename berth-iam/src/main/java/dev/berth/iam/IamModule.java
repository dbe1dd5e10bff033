package dev.berth.iam;

import dev.berth.iam.auth.AccessKeys;
import dev.berth.iam.auth.SigV4Authenticator;
import dev.berth.iam.sts.StsApi;
import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.model.ServiceModel;

/**
 * Identity: the access keys Berth accepts, the SigV4 authenticator the front door asks about every
 * call, and STS. Built first, because every other module's callers are authenticated with it.
 *
 * <p>Publishes {@link #keys()} (the model's {@link AccessKeyDirectory}, for modules that verify
 * signatures or Basic auth themselves) and {@link #authenticator()}.
 */
public final class IamModule implements ServiceModule {

    private final AccessKeys keys;
    private final AccessKeyDirectory.Key rootKey;
    private final SigV4Authenticator authenticator;
    private final StsApi sts;

    /**
     * @param presetRootId the root access key id to use, or null to keep (or create) the stored one
     * @param presetRootSecret its secret, with {@code presetRootId}
     */
    public IamModule(ModuleContext ctx, String presetRootId, String presetRootSecret) {
        this.keys = new AccessKeys(ctx.store(), ctx.docs(), ctx.masterKey());
        this.rootKey = keys.ensureRoot(ctx.platform().accountId(), presetRootId, presetRootSecret);
        this.authenticator = new SigV4Authenticator(keys, ctx.clock(), ctx.platform());
        this.sts = new StsApi(ServiceModel.load(ctx.mapper(), StsApi.MODEL));
    }

    @Override
    public String name() {
        return "iam";
    }

    @Override
    public void contribute(Contributions to) {
        to.query(sts);
    }

    /** The access keys, as other modules see them. */
    public AccessKeyDirectory keys() {
        return keys;
    }

    /** The front door's authenticator (SigV4 against {@link #keys()}). */
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
}
