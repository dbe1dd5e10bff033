package dev.berth.cli.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.agent.HostFacts;
import dev.berth.ecs.EcsModule;
import dev.berth.ecs.service.ServiceController;
import dev.berth.iam.IamModule;
import dev.berth.lb.LoadBalancers;
import dev.berth.lb.api.ElbApi;
import dev.berth.logs.LogsModule;
import dev.berth.model.Platform;
import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.model.files.PrivateFiles;
import dev.berth.model.time.OffsetClock;
import dev.berth.module.Contributions;
import dev.berth.module.Migrations;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.objects.ObjectsModule;
import dev.berth.protocol.http.FrontDoor;
import dev.berth.protocol.json.Jsons;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.registry.RegistryModule;
import dev.berth.registry.auth.RegistryTokens;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.lifecycle.LifecycleExecutor;
import dev.berth.registry.meta.Images;
import dev.berth.secrets.SecretsModule;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.crypto.MasterKey;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Berth control plane: the state store, the service modules, and the front door that
 * serves them. This is the only place that knows every module: it builds each from the shared
 * {@link ModuleContext} and the seams (interfaces in berth-model) of the modules it needs, mounts
 * what each {@link ServiceModule} contributes, and runs their jobs. Tests start it in-process the
 * same way {@code berth server} does.
 *
 * <p>Start-up order: data dir, store (migrations), master key, modules (secrets first: it checks the
 * master key against the store; then identity, logs, objects, load balancers, registry, ECS),
 * credentials file, document migrations, front door, module controllers and jobs, local agent.
 * {@link #close()} reverses it, so the local agent stops before its server and no request is served
 * by a closed store.
 */
public final class BerthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BerthServer.class);

    private final ServerConfig config;
    private final StateStore store;
    private final Vertx vertx;
    private final FrontDoor frontDoor;
    private final ScheduledExecutorService housekeeping;
    private final Path credentialsFile;
    private final List<ServiceModule> modules;
    private final SecretsModule secrets;
    private final IamModule iam;
    private final LoadBalancers loadBalancers;
    private final RegistryModule registry;
    private final EcsModule ecs;
    private final Agent localAgent;
    private final int port;
    private volatile boolean closed;

    private BerthServer(ServerConfig config) {
        long t0 = System.nanoTime();
        this.config = config;
        Path dataDir = prepareDataDir(config.dataDir());
        // Opening the store (JDBC, migrations) is the slowest step of start-up; it runs while
        // Vert.x starts.
        CompletableFuture<StateStore> opening = CompletableFuture.supplyAsync(
                () -> StateStores.open(config.storeUrl(), dataDir),
                r -> Thread.ofPlatform().name("berth-store-open").start(r));
        ObjectMapper mapper = Jsons.newMapper();
        // Native epoll when Netty's native library loads (Linux x86_64: fewer allocations and
        // syscalls per request than NIO, which the load balancer data plane feels most); NIO otherwise.
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setPreferNativeTransport(true));
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("network transport: native epoll");
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            LOG.info(
                    "network transport: Java NIO (native epoll unavailable: {})",
                    why == null ? "not on the class path" : why.toString());
        }
        try {
            this.store = opening.join();
        } catch (CompletionException e) {
            vertx.close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        long storeReady = System.nanoTime();
        List<ServiceModule> built = new ArrayList<>();
        try {
            MasterKey masterKey = MasterKey.load(dataDir, config.masterKeyFile(), System.getenv(MasterKey.ENV_KEY));
            ModuleContext ctx = new ModuleContext(
                    vertx,
                    mapper,
                    store,
                    new Documents(mapper),
                    new Platform(config.accountId(), config.region()),
                    Clock.systemUTC(),
                    dataDir,
                    masterKey,
                    this::endpoint);
            this.secrets = add(built, new SecretsModule(ctx));
            this.iam = add(built, new IamModule(ctx, config.rootAccessKeyId(), config.rootSecretAccessKey()));
            this.credentialsFile = writeCredentials(dataDir, iam.rootKey());
            LogsModule logs = add(built, new LogsModule(ctx));
            ObjectsModule objects = add(built, new ObjectsModule(ctx, iam.credentials(), iam::rootAccountOf));
            this.loadBalancers = add(
                    built,
                    new LoadBalancers(
                            vertx,
                            store,
                            ctx.docs(),
                            ctx.platform(),
                            ServiceModel.load(mapper, ElbApi.MODEL),
                            config.lbAddresses(),
                            ctx.clock(),
                            EcsModule.instanceAddresses(ctx)::hostAddress,
                            config.lbThreads(),
                            config.lbIoUring()));
            this.registry = add(built, new RegistryModule(ctx, iam.keys(), iam.authenticator()));
            this.ecs = add(
                    built,
                    new EcsModule(
                            ctx,
                            new EcsModule.Settings(config.agentHeartbeatTimeout(), config.lostInstanceTimeout()),
                            new EcsModule.Seams(
                                    loadBalancers.targets(),
                                    secrets.values(),
                                    objects.reader(),
                                    logs.sink(),
                                    registry.logins(),
                                    iam.keys(),
                                    iam.authenticator())));
            this.modules = List.copyOf(built);

            Contributions contributions = new Contributions();
            for (ServiceModule m : modules) {
                m.contribute(contributions.from(m));
            }
            new Migrations(store, mapper, ctx.clock()).apply(contributions.migrations());
            this.frontDoor = mount(
                    new FrontDoor(vertx, mapper, iam.authenticator(), this::health).authorizer(iam.authorizer()),
                    contributions);
            this.port = frontDoor.start(config.bind(), config.port());

            this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("berth-housekeeping").factory());
            for (ServiceModule m : modules) {
                m.start();
            }
            for (Contributions.Job job : contributions.jobs()) {
                every(job);
            }
            this.localAgent = config.localAgent()
                    ? Agent.start(
                            new AgentConfig(
                                    endpoint(),
                                    "default",
                                    "127.0.0.1",
                                    dataDir.resolve("agent"),
                                    null,
                                    ecs.joinTokenFile(),
                                    null,
                                    null,
                                    256,
                                    null,
                                    null,
                                    null,
                                    Map.of(),
                                    false,
                                    null,
                                    config.imagePullBehavior(),
                                    config.dockerHost()),
                            () -> HostFacts.detect(config.dockerHost()))
                    : null;
        } catch (RuntimeException e) {
            for (int i = built.size() - 1; i >= 0; i--) {
                closeQuietly(built.get(i));
            }
            vertx.close();
            store.close();
            throw e;
        }
        LOG.info(
                "started in {} ms (store {} ready after {} ms; modules {})",
                (System.nanoTime() - t0) / 1_000_000,
                store.backend(),
                (storeReady - t0) / 1_000_000,
                modules.stream().map(ServiceModule::name).toList());
    }

    private static <M extends ServiceModule> M add(List<ServiceModule> built, M module) {
        built.add(module);
        return module;
    }

    /** Mounts every module's APIs and routes on the front door. */
    private static FrontDoor mount(FrontDoor door, Contributions c) {
        c.json().forEach(j -> door.json(j.service()));
        c.query().forEach(q -> door.query(q.service()));
        c.signed().forEach(s -> door.signedService(s.signingName(), s.handler()));
        c.routes().forEach(r -> door.route(r.prefix(), r.handler()));
        return door;
    }

    /** The lifecycle policy executor (tests run it on demand). */
    public LifecycleExecutor lifecycle() {
        return registry.lifecycle();
    }

    /**
     * Rotates KMS keys whose rotation is due, deletes keys whose deletion date passed and secrets
     * whose recovery window ended (scheduled every {@link SecretsModule#HOUSEKEEPING}); tests call it
     * after moving {@link #secretsClock()} forward.
     */
    public void secretsHousekeeping() {
        secrets.housekeeping();
    }

    /** The clock IAM and STS use; tests move it forward to let temporary credentials expire. */
    public OffsetClock iamClock() {
        return iam.clock();
    }

    /** The clock KMS, SSM and Secrets Manager use; tests move it forward to let recovery windows pass. */
    public OffsetClock secretsClock() {
        return secrets.clock();
    }

    /** Runs a module's job with a fixed delay; a failure is logged and the job runs again next time. */
    private void every(Contributions.Job job) {
        long period = job.every().toMillis();
        housekeeping.scheduleWithFixedDelay(
                () -> {
                    try {
                        job.work().run();
                    } catch (RuntimeException e) {
                        LOG.warn("{} ({}) failed: {}", job.name(), job.module(), e.toString());
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    private static void closeQuietly(ServiceModule m) {
        try {
            m.close();
        } catch (RuntimeException e) {
            LOG.warn("module {} did not close cleanly: {}", m.name(), e.toString());
        }
    }

    public static BerthServer start(ServerConfig config) {
        return new BerthServer(config);
    }

    public URI endpoint() {
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return URI.create("http://" + host + ":" + port);
    }

    public int port() {
        return port;
    }

    public Path credentialsFile() {
        return credentialsFile;
    }

    /** The file holding the join token agents register with. */
    public Path joinTokenFile() {
        return ecs.joinTokenFile();
    }

    /** The in-process agent, if the server runs one. */
    public java.util.Optional<Agent> localAgent() {
        return java.util.Optional.ofNullable(localAgent);
    }

    /** The service scheduler (tests and benchmarks read its reconcile count). */
    public ServiceController serviceController() {
        return ecs.serviceController();
    }

    /** The load balancers as the ECS service scheduler uses them (target registration and health). */
    public dev.berth.model.lb.LoadBalancerTargets loadBalancerTargets() {
        return loadBalancers.targets();
    }

    /** The load balancers' in-memory CloudWatch metrics. */
    public dev.berth.lb.plane.Metrics loadBalancerMetrics() {
        return loadBalancers.metrics();
    }

    /** Issues registry passwords (what ECR's GetAuthorizationToken hands out). */
    public RegistryTokens registryTokens() {
        return registry.tokens();
    }

    public GarbageCollector registryGc() {
        return registry.gc();
    }

    public Images images() {
        return registry.images();
    }

    public String accessKeyId() {
        return iam.rootKey().accessKeyId();
    }

    public String secretAccessKey() {
        return iam.rootKey().secretAccessKey();
    }

    public String storeDescription() {
        return config.storeUrl() == null ? "h2 (" + config.dataDir().resolve("state") + ")" : store.backend();
    }

    private Map<String, Object> health() {
        if (closed) {
            throw new IllegalStateException("shutting down");
        }
        store.read(tx -> tx.get("health", "probe"));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "ok");
        h.put("store", store.backend());
        return h;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (localAgent != null) {
            localAgent.close();
        }
        frontDoor.close();
        housekeeping.shutdownNow();
        for (int i = modules.size() - 1; i >= 0; i--) {
            closeQuietly(modules.get(i));
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("vert.x did not stop cleanly: {}", e.toString());
        }
        store.close();
    }

    private static Path prepareDataDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                trySetPermissions(dir, "rwx------");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
    }

    /** Writes the AWS INI credentials file (profile default, mode 0600) atomically. */
    private static Path writeCredentials(Path dataDir, AccessKeyDirectory.Key key) {
        Path file = dataDir.resolve("credentials");
        String text = "# Written by berth server: the root access key of this Berth installation.\n"
                + "[default]\naws_access_key_id = " + key.accessKeyId() + "\naws_secret_access_key = "
                + key.secretAccessKey() + "\n";
        return PrivateFiles.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void trySetPermissions(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; nothing to restrict
        }
    }
}
