package dev.berth.ecs.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.DescribeCall;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.tags.TagApi;
import dev.berth.ecs.tags.TagRules;
import dev.berth.ecs.taskdef.StoredTaskDefinition;
import dev.berth.ecs.taskdef.TaskDefinitionApi;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.model.error.AwsException;
import dev.berth.model.lb.LoadBalancerTargets;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.scheduler.PlacementConstraint;
import dev.berth.scheduler.PlacementStrategy;
import dev.berth.scheduler.PlacementValidation;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The ECS service operations: CreateService, UpdateService, DeleteService, DescribeServices and
 * ListServices, plus tagging of service ARNs. Handlers only validate, record (the service and, when
 * something that defines the tasks changed, a new PRIMARY deployment) and wake the controller after
 * commit; {@link ServiceController} does the work.
 */
public final class ServiceApi {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private final StateStore store;
    private final Documents docs;
    private final Platform platform;
    private final Clock clock;
    private final ClusterApi clusters;
    private final TaskDefinitionApi taskDefinitions;
    private final LoadBalancerTargets lbs;
    private final ServiceRender render;
    private final SecureRandom random = new SecureRandom();
    private volatile Consumer<String> waker = key -> {};

    public ServiceApi(
            StateStore store,
            Documents docs,
            Platform platform,
            Clock clock,
            ClusterApi clusters,
            TaskDefinitionApi taskDefinitions,
            LoadBalancerTargets lbs) {
        this.store = store;
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
        this.clusters = clusters;
        this.taskDefinitions = taskDefinitions;
        this.lbs = lbs;
        this.render = new ServiceRender(platform);
    }

    /** Who is told, after commit, that a service needs a reconcile (the controller's {@code wake}). */
    public void onChange(Consumer<String> wake) {
        this.waker = wake;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateService", this::create);
        ops.put("UpdateService", this::update);
        ops.put("DeleteService", this::delete);
        ops.put("DescribeServices", this::describe);
        ops.put("ListServices", this::list);
        return ops;
    }

    static AwsException serviceNotFound() {
        return new AwsException("ServiceNotFoundException", 400, "Service not found.");
    }

    static AwsException notActive() {
        return new AwsException("ServiceNotActiveException", 400, "Service was not ACTIVE.");
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String name = in.path("serviceName").asText();
        if (!NAME.matcher(name).matches()) {
            throw EcsErrors.invalidParameter("Service names can have up to 255 characters: letters (uppercase and"
                    + " lowercase), numbers, underscores, and hyphens.");
        }
        String scheduling = in.path("schedulingStrategy").asText(StoredService.REPLICA);
        boolean daemon = scheduling.equals(StoredService.DAEMON);
        String launchType = launchType(in);
        rejectUnsupported(in);
        if (in.path("deploymentController").path("type").asText("ECS").equals("ECS") == false) {
            throw EcsErrors.invalidParameter("Berth supports only the ECS (rolling update) deployment controller.");
        }
        Integer desired = in.hasNonNull("desiredCount") ? in.get("desiredCount").asInt() : null;
        if (daemon && desired != null) {
            throw EcsErrors.invalidParameter(
                    "The daemon scheduling strategy does not support a desired count for services.");
        }
        if (!daemon && desired == null) {
            throw EcsErrors.invalidParameter(
                    "The desiredCount parameter is required for services with the REPLICA" + " scheduling strategy.");
        }
        if (desired != null && desired < 0) {
            throw EcsErrors.invalidParameter("Desired count cannot be negative.");
        }
        if (daemon
                && in.has("placementStrategy")
                && !in.get("placementStrategy").isEmpty()) {
            throw EcsErrors.invalidParameter(
                    "Placement strategies are not supported with the DAEMON scheduling strategy.");
        }
        StoredService.DeploymentConfig config = deploymentConfig(in.get("deploymentConfiguration"), daemon, null);
        Integer grace = grace(in);
        String propagate = in.path("propagateTags").asText("NONE");
        List<Tag> tags = TagRules.parse(in.get("tags"));
        String clientToken = in.path("clientToken").asText(null);
        if (clientToken != null && (clientToken.isEmpty() || clientToken.length() > 36)) {
            throw EcsErrors.invalidParameter("clientToken must be 1 to 36 characters.");
        }
        String hash = Integer.toHexString(
                in.deepCopy().without("clientToken").toString().hashCode());
        JsonNode constraints = in.get("placementConstraints");
        JsonNode strategy = in.get("placementStrategy");
        boolean[] existing = {false};
        StoredService created = store.transact(tx -> {
            existing[0] = false;
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String key = cluster + "/" + name;
            Optional<StoredService> current = docs.getForUpdate(tx, Kinds.SERVICE, key, StoredService.class);
            if (current.isPresent()) {
                StoredService s = current.get();
                if (StoredService.DRAINING.equals(s.status())) {
                    throw EcsErrors.invalidParameter("Unable to Start a service that is still Draining.");
                }
                if (clientToken != null && clientToken.equals(s.clientToken()) && hash.equals(s.requestHash())) {
                    existing[0] = true;
                    return s;
                }
                throw EcsErrors.invalidParameter("Creation of service was not idempotent.");
            }
            StoredTaskDefinition td = definition(tx, in.path("taskDefinition").asText(null));
            checkPlacement(td, constraints, strategy);
            JsonNode lb = loadBalancers(in.get("loadBalancers"), td);
            if (in.hasNonNull("networkConfiguration")) {
                throw EcsErrors.invalidParameter(
                        "Network Configuration is not valid for the given networkMode of this task definition.");
            }
            long now = clock.millis();
            String tdArn = taskDefinitions.refs().arn(td.family(), td.revision());
            String id = ServicePlanner.deploymentId(random);
            StoredService.Deployment d = new StoredService.Deployment(
                    id,
                    "PRIMARY",
                    tdArn,
                    daemon ? 0 : desired,
                    0,
                    0,
                    0,
                    now,
                    now,
                    "IN_PROGRESS",
                    "ECS deployment " + id + " in progress.",
                    false);
            StoredService s = new StoredService(
                    cluster,
                    name,
                    StoredService.ACTIVE,
                    daemon ? 0 : desired,
                    launchType,
                    scheduling,
                    tdArn,
                    config,
                    constraints,
                    strategy,
                    lb,
                    null,
                    grace,
                    propagate,
                    in.path("enableECSManagedTags").asBoolean(false),
                    tags,
                    clientToken,
                    hash,
                    now,
                    "arn:aws:iam::" + call.accountId() + ":root",
                    List.of(d),
                    List.of(),
                    null,
                    List.of(),
                    null,
                    false);
            docs.put(tx, Kinds.SERVICE, key, s);
            return s;
        });
        if (!existing[0]) {
            waker.accept(created.key());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("service", render.render(created, true));
        return out;
    }

    private static String launchType(ObjectNode in) {
        boolean cps = in.has("capacityProviderStrategy")
                && !in.get("capacityProviderStrategy").isEmpty();
        if (cps && in.hasNonNull("launchType")) {
            throw EcsErrors.invalidParameter("Specifying both a launch type and capacity provider strategy is not"
                    + " supported. Remove one and try again.");
        }
        if (cps) {
            throw EcsErrors.invalidParameter(
                    "Berth runs services with launch type EC2 only; capacityProviderStrategy" + " is not supported.");
        }
        String launchType = in.path("launchType").asText("EC2");
        if (!launchType.equals("EC2")) {
            throw EcsErrors.invalidParameter("Berth runs services with launch type EC2 only; " + launchType
                    + " is not supported (no Fargate or external capacity).");
        }
        if (in.hasNonNull("platformVersion")) {
            throw EcsErrors.invalidParameter("The platform version must be null when specifying an EC2 launch type.");
        }
        return launchType;
    }

    private static void rejectUnsupported(ObjectNode in) {
        if (in.has("serviceRegistries") && !in.get("serviceRegistries").isEmpty()) {
            throw EcsErrors.invalidParameter("Berth does not support service discovery (serviceRegistries) yet.");
        }
        if (in.path("serviceConnectConfiguration").path("enabled").asBoolean(false)) {
            throw EcsErrors.invalidParameter("Berth does not support Service Connect yet.");
        }
        if (in.path("enableExecuteCommand").asBoolean(false)) {
            throw EcsErrors.invalidParameter("Berth does not support ECS Exec (enableExecuteCommand) yet.");
        }
    }

    private static Integer grace(ObjectNode in) {
        if (!in.hasNonNull("healthCheckGracePeriodSeconds")) {
            return null;
        }
        int g = in.get("healthCheckGracePeriodSeconds").asInt();
        if (g < 0) {
            throw EcsErrors.invalidParameter("healthCheckGracePeriodSeconds cannot be negative.");
        }
        return g;
    }

    /** ECS's defaults (REPLICA 100/200, DAEMON 0/100) and bounds for deploymentConfiguration. */
    static StoredService.DeploymentConfig deploymentConfig(
            JsonNode n, boolean daemon, StoredService.DeploymentConfig base) {
        int min = base != null ? base.minimumHealthyPercent() : daemon ? 0 : 100;
        int max = base != null ? base.maximumPercent() : daemon ? 100 : 200;
        boolean enable = base != null && base.circuitBreakerEnable();
        boolean rollback = base != null && base.circuitBreakerRollback();
        JsonNode alarms = base == null ? null : base.alarms();
        if (n != null && !n.isNull()) {
            if (n.hasNonNull("minimumHealthyPercent")) {
                min = n.get("minimumHealthyPercent").asInt();
            }
            if (n.hasNonNull("maximumPercent")) {
                max = n.get("maximumPercent").asInt();
            }
            if (n.has("deploymentCircuitBreaker")) {
                enable = n.get("deploymentCircuitBreaker").path("enable").asBoolean();
                rollback = n.get("deploymentCircuitBreaker").path("rollback").asBoolean();
            }
            if (n.has("alarms")) {
                if (n.get("alarms").path("enable").asBoolean(false)) {
                    throw EcsErrors.invalidParameter(
                            "Berth has no CloudWatch alarms yet; deployment alarms cannot be" + " enabled.");
                }
                alarms = n.get("alarms");
            }
        }
        if (min < 0 || min > 100) {
            throw EcsErrors.invalidParameter("minimumHealthyPercent must be between 0 and 100.");
        }
        if (daemon && max != 100) {
            throw EcsErrors.invalidParameter(
                    "The maximumPercent value for a service using the DAEMON service scheduler" + " must be 100.");
        }
        if (max < 100) {
            throw EcsErrors.invalidParameter("maximumPercent must be at least 100.");
        }
        return new StoredService.DeploymentConfig(min, max, enable, rollback, alarms);
    }

    private StoredTaskDefinition definition(Transaction tx, String ref) {
        if (ref == null || ref.isEmpty()) {
            throw EcsErrors.invalidParameter("TaskDefinition must be specified.");
        }
        StoredTaskDefinition td = taskDefinitions
                .find(tx, ref)
                .filter(d -> !d.status().equals(StoredTaskDefinition.DELETE_IN_PROGRESS))
                .orElseThrow(() -> EcsErrors.client("TaskDefinition not found."));
        if (!td.status().equals(StoredTaskDefinition.ACTIVE)) {
            throw EcsErrors.invalidParameter("TaskDefinition is inactive");
        }
        if (td.body().path("networkMode").asText("bridge").equals("awsvpc")) {
            throw EcsErrors.invalidParameter("Berth does not support network mode awsvpc for services yet.");
        }
        return td;
    }

    private static void checkPlacement(StoredTaskDefinition td, JsonNode constraints, JsonNode strategy) {
        List<PlacementConstraint> tdc = new ArrayList<>();
        td.body()
                .path("placementConstraints")
                .forEach(n -> tdc.add(PlacementConstraint.of(
                        n.path("type").asText(null), n.path("expression").asText(null))));
        List<PlacementConstraint> call = new ArrayList<>();
        if (constraints != null) {
            constraints.forEach(n -> call.add(PlacementConstraint.of(
                    n.path("type").asText(null), n.path("expression").asText(null))));
        }
        List<PlacementStrategy> st = new ArrayList<>();
        if (strategy != null) {
            strategy.forEach(n -> st.add(PlacementStrategy.of(
                    n.path("type").asText(null), n.path("field").asText(null))));
        }
        PlacementValidation.validate(tdc, call, st);
    }

    /** ECS's limit of target groups per service. */
    static final int MAX_LOAD_BALANCERS = 5;

    /** Checks each loadBalancers entry against the task definition and the load balancers; returns them to store. */
    private JsonNode loadBalancers(JsonNode n, StoredTaskDefinition td) {
        if (n == null || n.isNull() || n.isEmpty()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (n.size() > MAX_LOAD_BALANCERS) {
            throw EcsErrors.invalidParameter("load balancers can have at most " + MAX_LOAD_BALANCERS + " items.");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode lb : n) {
            if (lb.hasNonNull("loadBalancerName")) {
                throw EcsErrors.invalidParameter("Berth supports only Application and Network Load Balancers"
                        + " (targetGroupArn), not Classic Load Balancers (loadBalancerName).");
            }
            String tg = lb.path("targetGroupArn").asText(null);
            String container = lb.path("containerName").asText(null);
            if (tg == null || container == null || !lb.hasNonNull("containerPort")) {
                throw EcsErrors.invalidParameter(
                        "loadBalancers entries need targetGroupArn, containerName and" + " containerPort.");
            }
            int port = lb.get("containerPort").asInt();
            JsonNode def = null;
            for (JsonNode c : td.body().path("containerDefinitions")) {
                if (container.equals(c.path("name").asText())) {
                    def = c;
                }
            }
            if (def == null) {
                throw EcsErrors.invalidParameter(
                        "The container " + container + " does not exist in the task definition.");
            }
            boolean mapped = false;
            for (JsonNode pm : def.path("portMappings")) {
                mapped |= pm.path("containerPort").asInt() == port;
            }
            if (!mapped) {
                throw EcsErrors.invalidParameter(
                        "The container " + container + " did not have a container port " + port + " defined.");
            }
            lbs.validate(tg, container, port);
            out.addObject()
                    .put("targetGroupArn", tg)
                    .put("containerName", container)
                    .put("containerPort", port);
        }
        return out;
    }

    /** The service a reference (name or ARN, old or new format) names in {@code cluster}. */
    private String nameOf(String cluster, String ref) {
        if (ref == null || ref.isEmpty()) {
            throw EcsErrors.invalidParameter("service must be specified.");
        }
        if (!ref.startsWith("arn:")) {
            return ref;
        }
        Arn arn = Arn.parse(ref)
                .filter(a -> a.service().equals("ecs")
                        && a.resourceType().equals("service")
                        && a.region().equals(platform.region())
                        && a.account().equals(platform.accountId()))
                .orElseThrow(ServiceApi::serviceNotFound);
        String rest = arn.resourceId();
        int slash = rest.indexOf('/');
        if (slash >= 0 && !rest.substring(0, slash).equals(cluster)) {
            throw serviceNotFound();
        }
        return slash < 0 ? rest : rest.substring(slash + 1);
    }

    private JsonNode update(CallContext call, ObjectNode in) {
        rejectUnsupported(in);
        if (in.has("capacityProviderStrategy")
                && !in.get("capacityProviderStrategy").isEmpty()) {
            throw EcsErrors.invalidParameter(
                    "Berth runs services with launch type EC2 only; capacityProviderStrategy" + " is not supported.");
        }
        if (in.hasNonNull("platformVersion")) {
            throw EcsErrors.invalidParameter("The platform version must be null when specifying an EC2 launch type.");
        }
        if (in.hasNonNull("networkConfiguration")) {
            throw EcsErrors.invalidParameter(
                    "Network Configuration is not valid for the given networkMode of this task definition.");
        }
        Integer grace = in.hasNonNull("healthCheckGracePeriodSeconds") ? grace(in) : null;
        StoredService updated = store.transact(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String name = nameOf(cluster, in.path("service").asText(null));
            StoredService s = docs.getForUpdate(tx, Kinds.SERVICE, cluster + "/" + name, StoredService.class)
                    .orElseThrow(
                            () -> docs.get(tx, StoredService.INACTIVE_KIND, cluster + "/" + name, StoredService.class)
                                    .<AwsException>map(x -> notActive())
                                    .orElseGet(ServiceApi::serviceNotFound));
            if (!StoredService.ACTIVE.equals(s.status())) {
                throw notActive();
            }
            int desired = s.desiredCount();
            if (in.hasNonNull("desiredCount")) {
                if (s.daemon()) {
                    throw EcsErrors.invalidParameter(
                            "The daemon scheduling strategy does not support a desired count" + " for services.");
                }
                desired = in.get("desiredCount").asInt();
                if (desired < 0) {
                    throw EcsErrors.invalidParameter("Desired count cannot be negative.");
                }
            }
            if (s.daemon()
                    && in.has("placementStrategy")
                    && !in.get("placementStrategy").isEmpty()) {
                throw EcsErrors.invalidParameter(
                        "Placement strategies are not supported with the DAEMON scheduling" + " strategy.");
            }
            StoredService.DeploymentConfig config =
                    deploymentConfig(in.get("deploymentConfiguration"), s.daemon(), s.deploymentConfiguration());
            String tdArn = s.taskDefinitionArn();
            boolean newDeployment = in.path("forceNewDeployment").asBoolean(false);
            StoredTaskDefinition td = in.hasNonNull("taskDefinition")
                    ? definition(tx, in.get("taskDefinition").asText())
                    : taskDefinitions.find(tx, tdArn).orElseThrow(() -> EcsErrors.client("TaskDefinition not found."));
            String requested = taskDefinitions.refs().arn(td.family(), td.revision());
            if (!requested.equals(tdArn)) {
                newDeployment = true;
                tdArn = requested;
            }
            JsonNode constraints =
                    in.has("placementConstraints") ? in.get("placementConstraints") : s.placementConstraints();
            JsonNode strategy = in.has("placementStrategy") ? in.get("placementStrategy") : s.placementStrategy();
            if (in.has("placementConstraints") || in.has("placementStrategy")) {
                checkPlacement(td, constraints, strategy);
                newDeployment |= !java.util.Objects.equals(constraints, s.placementConstraints())
                        || !java.util.Objects.equals(strategy, s.placementStrategy());
            }
            JsonNode lb = s.loadBalancers();
            if (in.has("loadBalancers")) {
                lb = loadBalancers(in.get("loadBalancers"), td);
                newDeployment |= !lb.equals(s.loadBalancers());
            }
            List<StoredService.Deployment> deps = new ArrayList<>(s.deployments());
            long now = clock.millis();
            if (newDeployment) {
                for (int i = 0; i < deps.size(); i++) {
                    StoredService.Deployment d = deps.get(i);
                    deps.set(
                            i,
                            d.with(
                                    "ACTIVE",
                                    d.desiredCount(),
                                    d.pendingCount(),
                                    d.runningCount(),
                                    d.failedTasks(),
                                    now,
                                    d.rolloutState(),
                                    d.rolloutStateReason(),
                                    d.stage2()));
                }
                String id = ServicePlanner.deploymentId(random);
                deps.addFirst(new StoredService.Deployment(
                        id,
                        "PRIMARY",
                        tdArn,
                        s.daemon() ? 0 : desired,
                        0,
                        0,
                        0,
                        now,
                        now,
                        "IN_PROGRESS",
                        "ECS deployment " + id + " in progress.",
                        false));
            } else if (!deps.isEmpty() && !s.daemon()) {
                StoredService.Deployment d = deps.getFirst();
                deps.set(
                        0,
                        d.with(
                                d.status(),
                                desired,
                                d.pendingCount(),
                                d.runningCount(),
                                d.failedTasks(),
                                now,
                                d.rolloutState(),
                                d.rolloutStateReason(),
                                d.stage2()));
            }
            StoredService out = s.with(s.status(), desired, tdArn, config, constraints, strategy, deps)
                    .withOptions(
                            in.hasNonNull("healthCheckGracePeriodSeconds") ? grace : s.healthCheckGracePeriodSeconds(),
                            in.path("propagateTags").asText(s.propagateTags()),
                            in.hasNonNull("enableECSManagedTags")
                                    ? in.get("enableECSManagedTags").asBoolean()
                                    : s.enableECSManagedTags(),
                            lb);
            if (newDeployment) {
                out = out.reconciled(
                        out.status(),
                        tdArn,
                        deps,
                        List.of(),
                        s.lastCompleted(),
                        s.handledStopped(),
                        StoredService.Throttle.NONE,
                        false);
            }
            docs.put(tx, Kinds.SERVICE, out.key(), out);
            return out;
        });
        waker.accept(updated.key());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("service", render.render(updated, false));
        return out;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        boolean force = in.path("force").asBoolean(false);
        StoredService deleted = store.transact(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String name = nameOf(cluster, in.path("service").asText(null));
            StoredService s = docs.getForUpdate(tx, Kinds.SERVICE, cluster + "/" + name, StoredService.class)
                    .orElseThrow(
                            () -> docs.get(tx, StoredService.INACTIVE_KIND, cluster + "/" + name, StoredService.class)
                                    .<AwsException>map(x -> notActive())
                                    .orElseGet(ServiceApi::serviceNotFound));
            if (StoredService.DRAINING.equals(s.status())) {
                return s;
            }
            if (!s.daemon() && s.desiredCount() > 0 && !force) {
                throw EcsErrors.invalidParameter("The service cannot be stopped while it is scaled above 0.");
            }
            StoredService out = s.with(
                    StoredService.DRAINING,
                    0,
                    s.taskDefinitionArn(),
                    s.deploymentConfiguration(),
                    s.placementConstraints(),
                    s.placementStrategy(),
                    s.deployments());
            docs.put(tx, Kinds.SERVICE, out.key(), out);
            return out;
        });
        waker.accept(deleted.key());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("service", render.render(deleted, false));
        return out;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        DescribeCall d = DescribeCall.parse(
                in, "services", "services", null, 10, "services must list 1 to 10 service names or ARNs.");
        store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            for (String ref : d.refs()) {
                Optional<StoredService> s;
                try {
                    String name = nameOf(cluster, ref);
                    s = docs.get(tx, Kinds.SERVICE, cluster + "/" + name, StoredService.class)
                            .or(() -> docs.get(
                                    tx, StoredService.INACTIVE_KIND, cluster + "/" + name, StoredService.class));
                } catch (AwsException e) {
                    s = Optional.empty();
                }
                if (s.isPresent()) {
                    d.found().add(render.render(s.get(), d.include().contains("TAGS")));
                } else {
                    d.fail(ref.startsWith("arn:") ? ref : render.arnOf(cluster, ref), "MISSING");
                }
            }
            return null;
        });
        return d.response();
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        int max = in.hasNonNull("maxResults")
                ? NextTokens.maxResults(in.get("maxResults").asInt())
                : 10;
        String after = NextTokens.decode("ListServices", in.path("nextToken").asText(null));
        String launchType = in.path("launchType").asText(null);
        String scheduling = in.path("schedulingStrategy").asText(null);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arns = out.putArray("serviceArns");
        StorePages.Listing<String> page = store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            return StorePages.list(tx, Kinds.SERVICE, Kinds.inCluster(cluster), after, max, e -> {
                StoredService s = docs.read(e, StoredService.class);
                boolean match = (launchType == null || launchType.equals(s.launchType()))
                        && (scheduling == null || scheduling.equals(s.schedulingStrategy()));
                return match ? Optional.of(render.arnOf(s.cluster(), s.name())) : Optional.empty();
            });
        });
        page.items().forEach(arns::add);
        if (page.resumeAfter() != null) {
            out.put("nextToken", NextTokens.encode("ListServices", page.resumeAfter()));
        }
        return out;
    }

    /** Tagging for service ARNs ({@code service/<cluster>/<name>}). */
    public TagApi.Taggable taggable() {
        return new TagApi.Taggable() {
            @Override
            public List<Tag> tags(Arn arn) {
                return store.read(tx -> found(tx, arn, false).tags());
            }

            @Override
            public void update(Arn arn, UnaryOperator<List<Tag>> change) {
                store.transact(tx -> {
                    StoredService s = found(tx, arn, true);
                    docs.put(tx, Kinds.SERVICE, s.key(), s.withTags(change.apply(s.tags())));
                    return null;
                });
            }
        };
    }

    private StoredService found(Transaction tx, Arn arn, boolean lock) {
        String key = arn.resourceId();
        Optional<StoredService> s = lock
                ? docs.getForUpdate(tx, Kinds.SERVICE, key, StoredService.class)
                : docs.get(tx, Kinds.SERVICE, key, StoredService.class);
        return s.orElseThrow(() -> EcsErrors.invalidParameter("The specified service does not exist: " + arn + "."));
    }
}
