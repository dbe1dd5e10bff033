package dev.berth.ecs;

import dev.berth.ecs.agent.AgentEndpoints;
import dev.berth.ecs.agent.AgentLogs;
import dev.berth.ecs.agent.AgentService;
import dev.berth.ecs.agent.EnvironmentFiles;
import dev.berth.ecs.agent.JoinTokens;
import dev.berth.ecs.agent.TaskSecrets;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.cluster.StoredClusterActivity;
import dev.berth.ecs.instance.AttributeApi;
import dev.berth.ecs.instance.ContainerInstanceAddresses;
import dev.berth.ecs.instance.ContainerInstanceApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.service.ServiceApi;
import dev.berth.ecs.service.ServiceController;
import dev.berth.ecs.tags.TagApi;
import dev.berth.ecs.task.LostInstances;
import dev.berth.ecs.task.TaskApi;
import dev.berth.ecs.task.TaskLaunch;
import dev.berth.ecs.task.Tasks;
import dev.berth.ecs.taskdef.TaskDefinitionApi;
import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.model.lb.InstanceAddresses;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.model.logs.LogSink;
import dev.berth.model.objects.ObjectReader;
import dev.berth.model.registry.RegistryLogins;
import dev.berth.model.secrets.SecretValues;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.model.ServiceModel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon ECS: clusters, task definitions, container instances and their attributes, tasks, services
 * and the service controller that keeps them, tags, and the server's side of the agent protocol
 * (registration, long-polled desired state, reports, log shipping) under {@code /_berth/agent/}.
 *
 * <p>Reaches the other services only through the model's seams handed to it in {@link Seams}.
 */
public final class EcsModule implements ServiceModule {

    /** How long stopped tasks stay describable (ECS: at least an hour). */
    public static final Duration STOPPED_TASK_RETENTION = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(EcsModule.class);

    /**
     * What ECS needs from the other modules.
     *
     * @param targets the load balancers' target groups (services with {@code loadBalancers})
     * @param secrets SSM parameters and Secrets Manager secrets for starting tasks
     * @param objects environment files for starting tasks
     * @param logs where the awslogs driver's lines go
     * @param registry registry passwords handed to agents
     * @param keys the access keys (the agent protocol's admin calls need a root key)
     * @param authenticator checks the agent protocol's signed admin calls
     */
    public record Seams(
            LoadBalancerTargets targets,
            SecretValues secrets,
            ObjectReader objects,
            LogSink logs,
            RegistryLogins registry,
            AccessKeyDirectory keys,
            Authenticator authenticator) {}

    /**
     * ECS's own settings.
     *
     * @param agentHeartbeatTimeout after how long without a poll an agent counts as disconnected
     * @param lostInstanceTimeout after how long disconnected an instance's tasks are stopped
     */
    public record Settings(Duration agentHeartbeatTimeout, Duration lostInstanceTimeout) {}

    private final ModuleContext ctx;
    private final Settings settings;
    private final TaskDefinitionApi taskDefinitions;
    private final TaskApi taskApi;
    private final ServiceController serviceController;
    private final JoinTokens joinTokens;
    private final AgentEndpoints agentEndpoints;
    private final LostInstances lost;
    private final EcsApi api;

    public EcsModule(ModuleContext ctx, Settings settings, Seams seams) {
        this.ctx = ctx;
        this.settings = settings;
        var store = ctx.store();
        var docs = ctx.docs();
        var platform = ctx.platform();
        var clock = ctx.clock();
        ClusterApi clusters = new ClusterApi(store, docs, platform, clock, new StoredClusterActivity());
        this.taskDefinitions = new TaskDefinitionApi(store, docs, platform, clock);
        InstanceNotifier notifier = new InstanceNotifier();
        ContainerInstances instances = new ContainerInstances(docs, platform, clock, settings.agentHeartbeatTimeout());
        ContainerInstanceApi containerInstances = new ContainerInstanceApi(store, instances, clusters, notifier);
        AttributeApi attributes = new AttributeApi(store, instances, clusters);
        Tasks tasks = new Tasks(docs, platform, clock);
        TaskLaunch taskLaunch = new TaskLaunch(store, tasks, instances, clusters, taskDefinitions, notifier);
        this.taskApi = new TaskApi(store, tasks, instances, clusters, notifier, taskLaunch);
        containerInstances.onDeregister(taskApi::stopAllOnDeregistered);
        ServiceApi services = new ServiceApi(store, docs, platform, clock, clusters, taskDefinitions, seams.targets());
        this.serviceController = new ServiceController(
                store, docs, tasks, taskApi, taskLaunch, taskDefinitions, notifier, seams.targets(), clock);
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
        this.api = new EcsApi(ServiceModel.load(ctx.mapper(), EcsApi.MODEL))
                .register(clusters.operations())
                .register(taskDefinitions.operations())
                .register(containerInstances.operations())
                .register(attributes.operations())
                .register(taskApi.operations())
                .register(services.operations())
                .register(tags.operations());

        this.joinTokens = new JoinTokens(store, ctx.dataDir());
        joinTokens.ensure();
        AgentService agentService = new AgentService(
                store,
                instances,
                containerInstances,
                clusters,
                joinTokens,
                notifier,
                tasks,
                new TaskSecrets(seams.secrets(), new EnvironmentFiles(seams.objects())));
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
            RegistryLogins.Login login = seams.registry().issue("agent/" + ci.id());
            URI self = ctx.endpoint().get();
            return ctx.mapper()
                    .createObjectNode()
                    .put("serverAddress", self.getHost() + ":" + self.getPort())
                    .put("username", "AWS")
                    .put("password", login.password())
                    .put("expiresAt", login.expiresAt().getEpochSecond());
        });
        this.agentEndpoints = new AgentEndpoints(
                        ctx.vertx(),
                        ctx.mapper(),
                        agentService,
                        joinTokens,
                        notifier,
                        seams.authenticator(),
                        call -> seams.keys()
                                .find(call.accessKeyId())
                                .map(AccessKeyDirectory.Key::root)
                                .orElse(false))
                .withLogs(new AgentLogs(store, instances, tasks, seams.logs()));
        this.lost = new LostInstances(store, tasks, instances, notifier, settings.lostInstanceTimeout());
        lost.onLost(serviceController::instancesChanged);
    }

    /**
     * The host addresses of registered container instances by EC2 instance id, for the load
     * balancers; needs only the store, so the load balancers can be built before ECS.
     */
    public static InstanceAddresses instanceAddresses(ModuleContext ctx) {
        return new ContainerInstanceAddresses(ctx.store(), ctx.docs());
    }

    @Override
    public String name() {
        return "ecs";
    }

    @Override
    public void contribute(Contributions to) {
        to.json(api)
                .route("/_berth/agent/", agentEndpoints)
                .route("/_berth/admin/", agentEndpoints)
                .every(Duration.ofSeconds(30), "task definition purge", () -> {
                    int removed = taskDefinitions.purgeDeleted(arn -> false);
                    if (removed > 0) {
                        LOG.info("deleted {} task definition revisions marked DELETE_IN_PROGRESS", removed);
                    }
                })
                .every(Duration.ofMinutes(5), "stopped task purge", () -> {
                    int removed = taskApi.purgeStopped(STOPPED_TASK_RETENTION);
                    if (removed > 0) {
                        LOG.info("forgot {} tasks stopped more than {} ago", removed, STOPPED_TASK_RETENTION);
                    }
                })
                .every(lost.sweepInterval(), "lost instance sweep", () -> {
                    int stopped = lost.sweep();
                    if (stopped > 0) {
                        LOG.warn(
                                "stopped {} tasks of container instances whose agent was disconnected longer than {} s",
                                stopped,
                                settings.lostInstanceTimeout().toSeconds());
                    }
                });
    }

    @Override
    public void start() {
        serviceController.start();
    }

    /** The file holding the join token agents register with. */
    public Path joinTokenFile() {
        return joinTokens.file();
    }

    /** The service scheduler (tests and benchmarks read its reconcile count). */
    public ServiceController serviceController() {
        return serviceController;
    }

    @Override
    public void close() {
        agentEndpoints.close();
        serviceController.close();
    }
}
