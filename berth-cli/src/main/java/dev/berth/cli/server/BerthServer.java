package dev.berth.cli.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.agent.HostFacts;
import dev.berth.control.OffsetClock;
import dev.berth.control.PrivateFiles;
import dev.berth.control.agent.AgentEndpoints;
import dev.berth.control.agent.AgentLogs;
import dev.berth.control.agent.AgentService;
import dev.berth.control.agent.EnvironmentFiles;
import dev.berth.control.agent.JoinTokens;
import dev.berth.control.agent.TaskSecrets;
import dev.berth.control.auth.AccessKeys;
import dev.berth.control.auth.SigV4Authenticator;
import dev.berth.control.ecs.EcsApi;
import dev.berth.control.ecs.cluster.ClusterApi;
import dev.berth.control.ecs.cluster.StoredClusterActivity;
import dev.berth.control.ecs.instance.AttributeApi;
import dev.berth.control.ecs.instance.ContainerInstanceApi;
import dev.berth.control.ecs.instance.ContainerInstances;
import dev.berth.control.ecs.instance.InstanceNotifier;
import dev.berth.control.ecs.service.ServiceApi;
import dev.berth.control.ecs.service.ServiceController;
import dev.berth.control.ecs.tags.TagApi;
import dev.berth.control.ecs.task.LostInstances;
import dev.berth.control.ecs.task.TaskApi;
import dev.berth.control.ecs.task.TaskLaunch;
import dev.berth.control.ecs.task.Tasks;
import dev.berth.control.ecs.taskdef.TaskDefinitionApi;
import dev.berth.control.kms.Envelope;
import dev.berth.control.kms.KmsApi;
import dev.berth.control.kms.KmsKeys;
import dev.berth.control.kms.MasterKey;
import dev.berth.control.logs.LogCatalog;
import dev.berth.control.logs.LogEventApi;
import dev.berth.control.logs.LogGroupApi;
import dev.berth.control.logs.LogRetention;
import dev.berth.control.logs.LogStreamApi;
import dev.berth.control.logs.LogsApi;
import dev.berth.control.logs.files.LogFiles;
import dev.berth.control.secretsmanager.SecretStore;
import dev.berth.control.secretsmanager.SecretsManagerApi;
import dev.berth.control.ssm.ParameterNames;
import dev.berth.control.ssm.SsmApi;
import dev.berth.control.sts.StsApi;
import dev.berth.lb.LoadBalancers;
import dev.berth.lb.api.ElbApi;
import dev.berth.model.Platform;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.objects.ObjectStore;
import dev.berth.objects.S3Handler;
import dev.berth.protocol.http.FrontDoor;
import dev.berth.protocol.json.Jsons;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.sigv4.SigV4Verifier;
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
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Berth control plane: the state store, the services, and the front door that serves
 * them, wired together. This is the only place that knows every module; tests start it in-process
 * the same way {@code berth server} does.
 *
 * <p>Start-up order: data dir, store (migrations), root key and credentials file, join token,
 * services, front door, local agent. {@link #close()} reverses it, so the local agent stops before
 * its server and no request is served by a closed store.
 */
public final class BerthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BerthServer.class);
    /** How long stopped tasks stay describable (ECS: at least an hour). */
    static final java.time.Duration STOPPED_TASK_RETENTION = java.time.Duration.ofHours(1);
    /** How often every repository's lifecycle policy runs (ECR: images expire within 24 hours). */
    static final java.time.Duration LIFECYCLE_INTERVAL = java.time.Duration.ofMinutes(10);

    private final ServerConfig config;
    private final StateStore store;
    private final Vertx vertx;
    private final FrontDoor frontDoor;
    private final ScheduledExecutorService housekeeping;
    private final Path credentialsFile;
    private final JoinTokens joinTokens;
    private final AgentEndpoints agentEndpoints;
    private final ServiceController serviceController;
    private final Agent localAgent;
    private final LogFiles logFiles;
    private final AccessKeys.AccessKey rootKey;
    private final LoadBalancers loadBalancers;
    private final OffsetClock secretsClock;
    private final KmsKeys kmsKeys;
    private final SecretStore secretStore;
    private final RegistryTokens registryTokens;
    private final Images images;
    private final OciHandler oci;
    private final GarbageCollector registryGc;
    private final GcEndpoint gcEndpoint;
    private final int port;
    private final LifecycleExecutor lifecycle;
    private final S3Handler s3;
    private volatile boolean closed;

    private BerthServer(ServerConfig config) {
        long t0 = System.nanoTime();
        this.config = config;
        Path dataDir = prepareDataDir(config.dataDir());
        // Opening the store (JDBC, migrations) is the slowest step of start-up; it runs while the
        // service models load and Vert.x starts.
        CompletableFuture<StateStore> opening = CompletableFuture.supplyAsync(
                () -> StateStores.open(config.storeUrl(), dataDir),
                r -> Thread.ofPlatform().name("berth-store-open").start(r));
        ObjectMapper mapper = Jsons.newMapper();
        ServiceModel ecsModel = ServiceModel.load(mapper, EcsApi.MODEL);
        ServiceModel stsModel = ServiceModel.load(mapper, StsApi.MODEL);
        ServiceModel ecrModel = ServiceModel.load(mapper, EcrApi.MODEL);
        ServiceModel elbModel = ServiceModel.load(mapper, ElbApi.MODEL);
        ServiceModel logsModel = ServiceModel.load(mapper, LogsApi.MODEL);
        ServiceModel kmsModel = ServiceModel.load(mapper, KmsApi.MODEL);
        ServiceModel ssmModel = ServiceModel.load(mapper, SsmApi.MODEL);
        ServiceModel secretsManagerModel = ServiceModel.load(mapper, SecretsManagerApi.MODEL);
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
        try {
            Documents docs = new Documents(mapper);
            Platform platform = new Platform(config.accountId(), config.region());
            Clock clock = Clock.systemUTC();
            MasterKey masterKey = MasterKey.load(dataDir, config.masterKeyFile(), System.getenv(MasterKey.ENV_KEY));
            this.secretsClock = new OffsetClock(clock);
            this.kmsKeys = new KmsKeys(store, docs, platform, secretsClock, masterKey);
            kmsKeys.checkMasterKey();
            Envelope envelope = new Envelope(kmsKeys);
            this.secretStore = new SecretStore(store, envelope, platform, secretsClock);
            SsmApi ssm = new SsmApi(store, envelope, new ParameterNames(platform), secretsClock);
            AccessKeys keys = new AccessKeys(store, docs, masterKey);
            this.rootKey = keys.ensureRoot(config.accountId(), config.rootAccessKeyId(), config.rootSecretAccessKey());
            this.credentialsFile = writeCredentials(dataDir, rootKey);

            ClusterApi clusters = new ClusterApi(store, docs, platform, clock, new StoredClusterActivity());
            TaskDefinitionApi taskDefinitions = new TaskDefinitionApi(store, docs, platform, clock);
            InstanceNotifier notifier = new InstanceNotifier();
            ContainerInstances instances =
                    new ContainerInstances(docs, platform, clock, config.agentHeartbeatTimeout());
            ContainerInstanceApi containerInstances = new ContainerInstanceApi(store, instances, clusters, notifier);
            AttributeApi attributes = new AttributeApi(store, instances, clusters);
            Tasks tasks = new Tasks(docs, platform, clock);
            TaskLaunch taskLaunch = new TaskLaunch(store, tasks, instances, clusters, taskDefinitions, notifier);
            TaskApi taskApi = new TaskApi(store, tasks, instances, clusters, notifier, taskLaunch);
            containerInstances.onDeregister(taskApi::stopAllOnDeregistered);
            this.loadBalancers = new LoadBalancers(
                    vertx,
                    store,
                    docs,
                    platform,
                    elbModel,
                    config.lbAddresses(),
                    clock,
                    new InstanceAddresses(store, docs),
                    config.lbThreads(),
                    config.lbIoUring());
            // services register their tasks in target groups of Berth's own load balancers
            LoadBalancerTargets targets = loadBalancers.targets();
            ServiceApi services = new ServiceApi(store, docs, platform, clock, clusters, taskDefinitions, targets);
            this.serviceController = new ServiceController(
                    store, docs, tasks, taskApi, taskLaunch, taskDefinitions, notifier, targets, clock);
            services.onChange(serviceController::wake);
            taskApi.onTaskChanged(serviceController::taskChanged);
            taskApi.drainPolicy(serviceController::drainUntil);
            containerInstances.onInstancesChanged(serviceController::instancesChanged);
            TagApi tags = new TagApi()
                    .register("cluster", clusters.taggable())
                    .register("task-definition", taskDefinitions.taggable())
                    .register("container-instance", containerInstances.taggable())
                    .register("task", taskApi.taggable())
                    .register("service", services.taggable());
            EcsApi ecs = new EcsApi(ecsModel)
                    .register(clusters.operations())
                    .register(taskDefinitions.operations())
                    .register(containerInstances.operations())
                    .register(attributes.operations())
                    .register(taskApi.operations())
                    .register(services.operations())
                    .register(tags.operations());
            StsApi sts = new StsApi(stsModel);
            this.images = new Images(store, docs, new FsBlobStore(dataDir.resolve("registry")), clock);
            Uploads uploads = new Uploads(images, Uploads.DEFAULT_EXPIRY);
            this.registryTokens = new RegistryTokens(store, clock);
            RegistryAuthorizer registryAuthorizer =
                    new RegistryAuthorizer(registryTokens, id -> keys.find(id).isPresent(), mapper);
            this.oci = new OciHandler(vertx, images, uploads, registryAuthorizer);
            RepositoryImages repositoryImages = new RepositoryImages(images);
            Repositories repositories = new Repositories(docs, platform, this::registryHost);
            this.lifecycle = new LifecycleExecutor(store, docs, repositoryImages, clock);
            EcrApi ecr = new EcrApi(ecrModel)
                    .register(new RepositoryApi(store, repositories, repositoryImages, clock).operations())
                    .register(new RepositoryPolicyApi(store, repositories).operations())
                    .register(new RepositoryTagApi(store, repositories).operations())
                    .register(new LifecycleApi(store, repositories, repositoryImages, clock, this::runLifecycleSoon)
                            .operations())
                    .register(new AuthorizationTokenApi(registryTokens, config.accountId(), this::registryHost)
                            .operations())
                    .register(new ImageApi(images).operations())
                    .register(new LayerApi(images, uploads, registryTokens, () -> endpoint()
                                    .toString())
                            .operations());
            this.logFiles = new LogFiles(dataDir.resolve("logs"));
            LogCatalog logCatalog = new LogCatalog(store, docs, platform, clock, logFiles);
            LogGroupApi logGroups = new LogGroupApi(logCatalog);
            LogStreamApi logStreams = new LogStreamApi(logCatalog);
            LogEventApi logEvents = new LogEventApi(logCatalog, logGroups, logStreams);
            LogsApi logs = new LogsApi(logsModel);
            logs.register(logGroups.operations())
                    .register(logStreams.operations())
                    .register(logEvents.operations());

            this.joinTokens = new JoinTokens(store, dataDir);
            joinTokens.ensure();
            SigV4Authenticator authenticator = new SigV4Authenticator(keys, clock, platform);
            ObjectStore objectStore =
                    new ObjectStore(store, docs, dataDir.resolve("objects"), clock, platform.region());
            this.s3 = new S3Handler(
                    vertx,
                    new SigV4Verifier(
                            id -> keys.find(id).map(AccessKeys.AccessKey::secretAccessKey), clock, platform.region()),
                    id -> keys.find(id).map(AccessKeys.AccessKey::accountId),
                    objectStore);
            AgentService agentService = new AgentService(
                    store,
                    instances,
                    containerInstances,
                    clusters,
                    joinTokens,
                    notifier,
                    tasks,
                    new TaskSecrets(ssm, secretStore, new EnvironmentFiles(objectStore::readForTask)));
            agentService.listener(new AgentService.Listener() {
                @Override
                public void taskChanged(String cluster, String group) {
                    serviceController.taskChanged(cluster, group);
                }

                @Override
                public void instancesChanged(String cluster) {
                    serviceController.instancesChanged(cluster);
                }
            });
            agentService.registryAuth(ci -> {
                RegistryTokens.Token t = registryTokens.issue("agent/" + ci.id());
                URI self = endpoint();
                return mapper.createObjectNode()
                        .put("serverAddress", self.getHost() + ":" + self.getPort())
                        .put("username", "AWS")
                        .put("password", t.password())
                        .put("expiresAt", t.expiresAt().getEpochSecond());
            });
            this.agentEndpoints = new AgentEndpoints(
                            vertx, mapper, agentService, joinTokens, notifier, authenticator, call -> keys.find(
                                            call.accessKeyId())
                                    .map(AccessKeys.AccessKey::root)
                                    .orElse(false))
                    .withLogs(new AgentLogs(store, instances, tasks, logEvents));
            this.registryGc = new GarbageCollector(images, GarbageCollector.DEFAULT_GRACE);
            this.gcEndpoint = new GcEndpoint(vertx, registryGc, authenticator, call -> keys.find(call.accessKeyId())
                    .map(AccessKeys.AccessKey::root)
                    .orElse(false));
            this.frontDoor = new FrontDoor(vertx, mapper, authenticator, this::health)
                    .json(ecs)
                    .json(ecr)
                    .json(logs)
                    .query(sts)
                    .query(loadBalancers.api())
                    .json(new KmsApi(store, kmsKeys).service(kmsModel))
                    .json(ssm.service(ssmModel))
                    .json(new SecretsManagerApi(secretStore).service(secretsManagerModel))
                    .signedService("s3", s3)
                    .route("/v2/", oci)
                    .route(GcEndpoint.PATH, gcEndpoint)
                    .route("/_berth/agent/", agentEndpoints)
                    .route("/_berth/admin/", agentEndpoints);
            this.port = frontDoor.start(config.bind(), config.port());

            this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("berth-housekeeping").factory());
            every(30, TimeUnit.SECONDS, "task definition purge", () -> {
                int removed = taskDefinitions.purgeDeleted(arn -> false);
                if (removed > 0) {
                    LOG.info("deleted {} task definition revisions marked DELETE_IN_PROGRESS", removed);
                }
            });
            every(5, TimeUnit.MINUTES, "stopped task purge", () -> {
                int removed = taskApi.purgeStopped(STOPPED_TASK_RETENTION);
                if (removed > 0) {
                    LOG.info("forgot {} tasks stopped more than {} ago", removed, STOPPED_TASK_RETENTION);
                }
            });
            every(LIFECYCLE_INTERVAL.toSeconds(), TimeUnit.SECONDS, "registry lifecycle policies", lifecycle::runAll);
            LogRetention retention = new LogRetention(logCatalog);
            every(10, TimeUnit.MINUTES, "log retention", () -> {
                long freed = retention.sweep();
                if (freed > 0) {
                    LOG.info("log retention deleted {} bytes of expired log events", freed);
                }
            });
            every(
                    SECRETS_HOUSEKEEPING.toSeconds(),
                    TimeUnit.SECONDS,
                    "secrets housekeeping",
                    this::secretsHousekeeping);
            every(10, TimeUnit.MINUTES, "registry upload expiry", () -> {
                int expired = uploads.expire();
                if (expired > 0) {
                    LOG.info("discarded {} registry uploads idle longer than {}", expired, uploads.expiry());
                }
            });
            every(1, TimeUnit.HOURS, "registry garbage collection", () -> {
                GarbageCollector.Result r = registryGc.run();
                if (r.blobsDeleted() > 0 || r.linksRemoved() > 0) {
                    LOG.info("registry gc: {}", r);
                }
            });
            LostInstances lost = new LostInstances(store, tasks, instances, notifier, config.lostInstanceTimeout());
            lost.onLost(serviceController::instancesChanged);
            serviceController.start();
            every(lost.sweepInterval().toMillis(), TimeUnit.MILLISECONDS, "lost instance sweep", () -> {
                int stopped = lost.sweep();
                if (stopped > 0) {
                    LOG.warn(
                            "stopped {} tasks of container instances whose agent was disconnected longer than {}",
                            stopped,
                            config.lostInstanceTimeout().toSeconds() + " s");
                }
            });
            this.localAgent = config.localAgent()
                    ? Agent.start(
                            new AgentConfig(
                                    endpoint(),
                                    "default",
                                    "127.0.0.1",
                                    dataDir.resolve("agent"),
                                    null,
                                    joinTokens.file(),
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
            vertx.close();
            store.close();
            throw e;
        }
        LOG.info(
                "started in {} ms (store {} ready after {} ms)",
                (System.nanoTime() - t0) / 1_000_000,
                store.backend(),
                (storeReady - t0) / 1_000_000);
    }

    /** The {@code host:port} of this server's registry, as repository URIs and docker name it. */
    private String registryHost() {
        return endpoint().getAuthority();
    }

    /** Runs a repository's lifecycle policy on the housekeeping thread, soon (after PutLifecyclePolicy). */
    private void runLifecycleSoon(String repository) {
        ScheduledExecutorService jobs = housekeeping;
        if (jobs == null) {
            return; // still starting: the scheduled run picks the policy up
        }
        try {
            jobs.execute(() -> {
                try {
                    lifecycle.run(repository);
                } catch (RuntimeException e) {
                    LOG.warn("lifecycle policy of {} failed: {}", repository, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /** The lifecycle policy executor (tests run it on demand). */
    public LifecycleExecutor lifecycle() {
        return lifecycle;
    }

    /** How often due KMS key rotations and deletions and ended secret recovery windows are acted on. */
    static final java.time.Duration SECRETS_HOUSEKEEPING = java.time.Duration.ofSeconds(30);

    /**
     * Rotates KMS keys whose rotation is due, deletes keys whose deletion date passed and secrets
     * whose recovery window ended. Scheduled every {@link #SECRETS_HOUSEKEEPING}; tests call it after
     * moving {@link #secretsClock()} forward.
     */
    public void secretsHousekeeping() {
        int keys = kmsKeys.housekeeping();
        int secrets = secretStore.deleteDue();
        if (keys > 0 || secrets > 0) {
            LOG.info(
                    "secrets housekeeping: {} KMS keys rotated or deleted, {} secrets deleted after their recovery window",
                    keys,
                    secrets);
        }
    }

    /** The clock KMS, SSM and Secrets Manager use; tests move it forward to let recovery windows pass. */
    public OffsetClock secretsClock() {
        return secretsClock;
    }

    /** Runs a housekeeping job with a fixed delay; a failure is logged and the job runs again next time. */
    private void every(long period, TimeUnit unit, String what, Runnable job) {
        housekeeping.scheduleWithFixedDelay(
                () -> {
                    try {
                        job.run();
                    } catch (RuntimeException e) {
                        LOG.warn("{} failed: {}", what, e.toString());
                    }
                },
                period,
                period,
                unit);
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
        return joinTokens.file();
    }

    /** The in-process agent, if the server runs one. */
    public java.util.Optional<Agent> localAgent() {
        return java.util.Optional.ofNullable(localAgent);
    }

    /** The service scheduler (tests and benchmarks read its reconcile count). */
    public ServiceController serviceController() {
        return serviceController;
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
        return registryTokens;
    }

    public GarbageCollector registryGc() {
        return registryGc;
    }

    public Images images() {
        return images;
    }

    public String accessKeyId() {
        return rootKey.accessKeyId();
    }

    public String secretAccessKey() {
        return rootKey.secretAccessKey();
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
        loadBalancers.close();
        oci.close();
        s3.close();
        gcEndpoint.close();
        agentEndpoints.close();
        serviceController.close();
        housekeeping.shutdownNow();
        logFiles.close();
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
    private static Path writeCredentials(Path dataDir, AccessKeys.AccessKey key) {
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
