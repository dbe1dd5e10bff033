package dev.berth.registry;

import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.model.registry.RegistryLogins;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.registry.auth.AuthorizationTokenApi;
import dev.berth.registry.auth.RegistryAuthorizer;
import dev.berth.registry.auth.RegistryTokens;
import dev.berth.registry.ecr.EcrApi;
import dev.berth.registry.ecr.ImageApi;
import dev.berth.registry.ecr.LayerApi;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.gc.GcEndpoint;
import dev.berth.registry.lifecycle.LifecycleApi;
import dev.berth.registry.lifecycle.LifecycleExecutor;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.RepositoryImages;
import dev.berth.registry.meta.Uploads;
import dev.berth.registry.oci.OciHandler;
import dev.berth.registry.repo.Repositories;
import dev.berth.registry.repo.RepositoryApi;
import dev.berth.registry.repo.RepositoryPolicyApi;
import dev.berth.registry.repo.RepositoryTagApi;
import dev.berth.registry.storage.FsBlobStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image registry: ECR's API, the OCI distribution API under {@code /v2/} on the same port, blobs
 * under {@code <data-dir>/registry} (docs/registry.md), lifecycle policies, upload expiry and
 * garbage collection.
 *
 * <p>Publishes {@link #logins()} ({@link RegistryLogins}: the passwords agents pull with).
 */
public final class RegistryModule implements ServiceModule {

    /** How often every repository's lifecycle policy runs (ECR: images expire within 24 hours). */
    public static final Duration LIFECYCLE_INTERVAL = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(RegistryModule.class);

    private final ModuleContext ctx;
    private final Images images;
    private final Uploads uploads;
    private final RegistryTokens tokens;
    private final OciHandler oci;
    private final LifecycleExecutor lifecycle;
    private final EcrApi ecr;
    private final GarbageCollector gc;
    private final GcEndpoint gcEndpoint;
    private final ExecutorService lifecycleRuns = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("berth-registry-lifecycle").factory());

    /**
     * @param keys the access keys (the registry's Basic auth accepts registry passwords and key ids)
     * @param authenticator checks the signature of the garbage collection admin call
     */
    public RegistryModule(ModuleContext ctx, AccessKeyDirectory keys, Authenticator authenticator) {
        this.ctx = ctx;
        this.images = new Images(
                ctx.store(), ctx.docs(), new FsBlobStore(ctx.dataDir().resolve("registry")), ctx.clock());
        this.uploads = new Uploads(images, Uploads.DEFAULT_EXPIRY);
        this.tokens = new RegistryTokens(ctx.store(), ctx.clock());
        RegistryAuthorizer authorizer =
                new RegistryAuthorizer(tokens, id -> keys.find(id).isPresent(), ctx.mapper());
        this.oci = new OciHandler(ctx.vertx(), images, uploads, authorizer);
        RepositoryImages repositoryImages = new RepositoryImages(images);
        Repositories repositories = new Repositories(ctx.docs(), ctx.platform(), this::registryHost);
        this.lifecycle = new LifecycleExecutor(ctx.store(), ctx.docs(), repositoryImages, ctx.clock());
        this.ecr = new EcrApi(ServiceModel.load(ctx.mapper(), EcrApi.MODEL))
                .register(new RepositoryApi(ctx.store(), repositories, repositoryImages, ctx.clock()).operations())
                .register(new RepositoryPolicyApi(ctx.store(), repositories).operations())
                .register(new RepositoryTagApi(ctx.store(), repositories).operations())
                .register(new LifecycleApi(
                                ctx.store(), repositories, repositoryImages, ctx.clock(), this::runLifecycleSoon)
                        .operations())
                .register(
                        new AuthorizationTokenApi(tokens, ctx.platform().accountId(), this::registryHost).operations())
                .register(new ImageApi(images).operations())
                .register(new LayerApi(images, uploads, tokens, () -> ctx.endpoint()
                                .get()
                                .toString())
                        .operations());
        this.gc = new GarbageCollector(images, GarbageCollector.DEFAULT_GRACE);
        this.gcEndpoint = new GcEndpoint(ctx.vertx(), gc, authenticator, call -> keys.find(call.accessKeyId())
                .map(AccessKeyDirectory.Key::root)
                .orElse(false));
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public void contribute(Contributions to) {
        to.json(ecr)
                .route("/v2/", oci)
                .route(GcEndpoint.PATH, gcEndpoint)
                .every(LIFECYCLE_INTERVAL, "registry lifecycle policies", lifecycle::runAll)
                .every(Duration.ofMinutes(10), "registry upload expiry", () -> {
                    int expired = uploads.expire();
                    if (expired > 0) {
                        LOG.info("discarded {} registry uploads idle longer than {}", expired, uploads.expiry());
                    }
                })
                .every(Duration.ofHours(1), "registry garbage collection", () -> {
                    GarbageCollector.Result r = gc.run();
                    if (r.blobsDeleted() > 0 || r.linksRemoved() > 0) {
                        LOG.info("registry gc: {}", r);
                    }
                });
    }

    /** Registry passwords for agents (the same passwords GetAuthorizationToken issues). */
    public RegistryLogins logins() {
        return subject -> {
            RegistryTokens.Token t = tokens.issue(subject);
            return new RegistryLogins.Login(t.password(), t.expiresAt());
        };
    }

    /** The {@code host:port} of this server's registry, as repository URIs and docker name it. */
    private String registryHost() {
        return ctx.endpoint().get().getAuthority();
    }

    /** Runs a repository's lifecycle policy soon, off the caller's thread (after PutLifecyclePolicy). */
    private void runLifecycleSoon(String repository) {
        try {
            lifecycleRuns.execute(() -> {
                try {
                    lifecycle.run(repository);
                } catch (RuntimeException e) {
                    LOG.warn("lifecycle policy of {} failed: {}", repository, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    public LifecycleExecutor lifecycle() {
        return lifecycle;
    }

    public RegistryTokens tokens() {
        return tokens;
    }

    public GarbageCollector gc() {
        return gc;
    }

    public Images images() {
        return images;
    }

    @Override
    public void close() {
        oci.close();
        gcEndpoint.close();
        lifecycleRuns.shutdownNow();
    }
}
