package dev.berth.secrets;

import dev.berth.model.secrets.SecretValues;
import dev.berth.model.time.OffsetClock;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.secrets.kms.Envelope;
import dev.berth.secrets.kms.KmsApi;
import dev.berth.secrets.kms.KmsKeys;
import dev.berth.secrets.secretsmanager.SecretStore;
import dev.berth.secrets.secretsmanager.SecretsManagerApi;
import dev.berth.secrets.ssm.ParameterNames;
import dev.berth.secrets.ssm.SsmApi;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret stores: KMS keys (sealed under the server's master key), SSM Parameter Store and
 * Secrets Manager, which encrypt with KMS data keys (envelope encryption). Built before every other
 * module, because it checks first that the master key opens what the store already holds.
 *
 * <p>Publishes {@link #values()} ({@link SecretValues}: what ECS resolves for a starting task).
 * Runs the housekeeping that rotates due KMS keys and deletes keys and secrets whose waiting periods
 * ended, every {@link #HOUSEKEEPING}.
 */
public final class SecretsModule implements ServiceModule {

    /** How often due KMS key rotations and deletions and ended secret recovery windows are acted on. */
    public static final Duration HOUSEKEEPING = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(SecretsModule.class);

    private final OffsetClock clock;
    private final KmsKeys kmsKeys;
    private final SecretStore secretStore;
    private final SsmApi ssm;
    private final KmsApi kms;
    private final SecretsManagerApi secretsManager;
    private final ModuleContext ctx;

    public SecretsModule(ModuleContext ctx) {
        this.ctx = ctx;
        this.clock = new OffsetClock(ctx.clock());
        this.kmsKeys = new KmsKeys(ctx.store(), ctx.docs(), ctx.platform(), clock, ctx.masterKey());
        kmsKeys.checkMasterKey();
        Envelope envelope = new Envelope(kmsKeys);
        this.secretStore = new SecretStore(ctx.store(), envelope, ctx.platform(), clock);
        this.ssm = new SsmApi(ctx.store(), envelope, new ParameterNames(ctx.platform()), clock);
        this.kms = new KmsApi(ctx.store(), kmsKeys);
        this.secretsManager = new SecretsManagerApi(secretStore);
    }

    @Override
    public String name() {
        return "secrets";
    }

    @Override
    public void contribute(Contributions to) {
        to.json(kms.service(ServiceModel.load(ctx.mapper(), KmsApi.MODEL)))
                .json(ssm.service(ServiceModel.load(ctx.mapper(), SsmApi.MODEL)))
                .json(secretsManager.service(ServiceModel.load(ctx.mapper(), SecretsManagerApi.MODEL)))
                .every(HOUSEKEEPING, "secrets housekeeping", this::housekeeping);
    }

    /** Secret values for starting tasks, as ECS reads them. */
    public SecretValues values() {
        return new SecretValuesForTasks(ctx.store(), ssm, secretStore);
    }

    /**
     * Rotates KMS keys whose rotation is due, deletes keys whose deletion date passed and secrets
     * whose recovery window ended. Scheduled every {@link #HOUSEKEEPING}; tests call it after moving
     * {@link #clock()} forward.
     */
    public void housekeeping() {
        int keys = kmsKeys.housekeeping();
        int secrets = secretStore.deleteDue();
        if (keys > 0 || secrets > 0) {
            LOG.info(
                    "secrets housekeeping: {} KMS keys rotated or deleted, {} secrets deleted after their recovery window",
                    keys,
                    secrets);
        }
    }

    /** The clock KMS, SSM and Secrets Manager use; tests move it forward to let waiting periods pass. */
    public OffsetClock clock() {
        return clock;
    }
}
