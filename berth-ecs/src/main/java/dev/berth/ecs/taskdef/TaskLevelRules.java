package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.TaskDefinitionErrors.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules on the task as a whole: family, container list, volumes, task size against its containers, placement
 * constraints, App Mesh proxy, ephemeral storage, runtime platform and the PID/IPC namespaces.
 *
 * <p>These are the rules that look at the request from the top, as opposed to one container at a time
 * ({@link ContainerRules}) or per launch type ({@link LaunchTypeRules}).
 */
final class TaskLevelRules {

    static final int MAX_CONTAINERS = 10;
    static final int MAX_PLACEMENT_CONSTRAINTS = 10;
    static final int MAX_EXPRESSION_LENGTH = 2000;
    static final int MIN_EPHEMERAL_GIB = 21;
    static final int MAX_EPHEMERAL_GIB = 200;
    static final int MIN_TASK_CPU = 128;
    static final int MAX_EC2_TASK_CPU = 10240;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Set<String> PROXY_PROPERTIES = Set.of(
            "IgnoredUID",
            "IgnoredGID",
            "AppPorts",
            "ProxyIngressPort",
            "ProxyEgressPort",
            "EgressIgnoredPorts",
            "EgressIgnoredIPs");

    private TaskLevelRules() {}

    /** Family: 1 to 255 letters, numbers, hyphens and underscores. */
    static void checkFamily(JsonNode request) {
        String family = Nodes.text(request, "family");
        if (Nodes.blank(family)) {
            throw client("Family can not be blank.");
        }
        if (family.length() > 255) {
            throw client("Family should be 255 characters or less.");
        }
        if (!NAME.matcher(family).matches()) {
            throw client("Family contains invalid characters.");
        }
    }

    /** 1 to 10 containers with valid, unique names. */
    static void checkContainerList(JsonNode request) {
        List<JsonNode> containers = Nodes.elements(request, "containerDefinitions");
        if (containers.isEmpty()) {
            throw client("Container definitions should not be empty.");
        }
        if (containers.size() > MAX_CONTAINERS) {
            throw client("Too many containers. A task definition can have at most %d containers.", MAX_CONTAINERS);
        }
        Set<String> names = new HashSet<>();
        for (JsonNode container : containers) {
            ContainerRules.checkName(container);
            String name = Nodes.text(container, "name");
            if (!names.add(name)) {
                throw client(
                        "Duplicate container name '%s'. Container names must be unique within a task " + "definition.",
                        name);
            }
        }
    }

    /** Task cpu bounds outside the Fargate table: at least 128 units; at most 10240 unless Fargate decides. */
    static void checkTaskCpu(TaskSize size, boolean fargate) {
        Integer cpu = size.cpu();
        if (cpu != null && (cpu < MIN_TASK_CPU || (!fargate && cpu > MAX_EC2_TASK_CPU))) {
            throw client(
                    "Invalid 'cpu' setting for task. Supported values are between %d and %d CPU units.",
                    MIN_TASK_CPU, MAX_EC2_TASK_CPU);
        }
    }

    /** Unique, well-formed volume names and at most one kind of volume configuration per volume. */
    static void checkVolumes(JsonNode request) {
        Set<String> names = new HashSet<>();
        for (JsonNode volume : Nodes.elements(request, "volumes")) {
            String name = Nodes.text(volume, "name");
            if (name == null || !NAME.matcher(name).matches()) {
                throw client(
                        "Invalid volume name '%s'. Up to 255 letters (uppercase and lowercase), numbers, "
                                + "hyphens, and underscores are allowed.",
                        name);
            }
            if (!names.add(name)) {
                throw client("Duplicate volume name '%s'. Volume names must be unique within a task definition.", name);
            }
            long kinds = List.of(
                            "host",
                            "dockerVolumeConfiguration",
                            "efsVolumeConfiguration",
                            "fsxWindowsFileServerVolumeConfiguration")
                    .stream()
                    .filter(k -> !Nodes.absent(volume, k))
                    .count();
            if (kinds > 1) {
                throw client(
                        "Volume '%s' can have only one of host, dockerVolumeConfiguration, "
                                + "efsVolumeConfiguration and fsxWindowsFileServerVolumeConfiguration.",
                        name);
            }
            checkDockerVolume(name, volume.path("dockerVolumeConfiguration"));
            checkEfsVolume(name, volume.path("efsVolumeConfiguration"));
        }
    }

    private static void checkDockerVolume(String name, JsonNode docker) {
        if (Nodes.bool(docker, "autoprovision", false) && !"shared".equals(Nodes.text(docker, "scope"))) {
            throw client(
                    "Volume '%s': autoprovision can only be used with a Docker volume whose scope is shared.", name);
        }
    }

    private static void checkEfsVolume(String name, JsonNode efs) {
        if (efs.isMissingNode() || efs.isNull()) {
            return;
        }
        JsonNode auth = efs.path("authorizationConfig");
        boolean accessPoint = !Nodes.blank(Nodes.text(auth, "accessPointId"));
        boolean iam = "ENABLED".equals(Nodes.text(auth, "iam"));
        if ((accessPoint || iam) && !"ENABLED".equals(Nodes.text(efs, "transitEncryption"))) {
            throw client(
                    "Volume '%s': transitEncryption must be ENABLED when an access point or IAM authorization "
                            + "is used.",
                    name);
        }
        String root = Nodes.text(efs, "rootDirectory");
        if (accessPoint && root != null && !root.equals("/")) {
            throw client("Volume '%s': rootDirectory must be omitted or '/' when an access point is used.", name);
        }
        Integer port = Nodes.integer(efs, "transitEncryptionPort");
        if (port != null && (port < 1 || port > PortRules.MAX_PORT)) {
            throw client("Volume '%s': transitEncryptionPort must be between 1 and 65535.", name);
        }
    }

    /** At least one essential container; container cpu and memory reservations fit in the task size. */
    static void checkContainersAgainstTask(TaskContext task) {
        if (task.containers().values().stream().noneMatch(ContainerRules::essential)) {
            throw client("A task definition must have at least one essential container.");
        }
        TaskSize size = task.size();
        int cpu = 0;
        int reserved = 0;
        boolean usesReservation = false;
        for (ObjectNode container : task.containers().values()) {
            Integer containerCpu = Nodes.integer(container, "cpu");
            cpu += containerCpu == null ? 0 : containerCpu;
            Integer reservation = Nodes.integer(container, "memoryReservation");
            Integer memory = Nodes.integer(container, "memory");
            usesReservation |= reservation != null;
            reserved += reservation != null ? reservation : memory != null ? memory : 0;
        }
        if (size.cpu() != null && cpu > size.cpu()) {
            throw client("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
        }
        if (size.memory() != null && reserved > size.memory()) {
            throw client(
                    "The sum of all container '%s' values cannot be greater than the value of the task " + "'memory'.",
                    usesReservation ? "memoryReservation" : "memory");
        }
    }

    static void checkPlacementConstraints(JsonNode request, PlacementExpressionCheck expressions) {
        List<JsonNode> constraints = Nodes.elements(request, "placementConstraints");
        if (constraints.size() > MAX_PLACEMENT_CONSTRAINTS) {
            throw client(
                    "You can specify a maximum of %d placement constraints for a task.", MAX_PLACEMENT_CONSTRAINTS);
        }
        for (JsonNode constraint : constraints) {
            String type = Nodes.text(constraint, "type");
            String expression = Nodes.text(constraint, "expression");
            if (!"memberOf".equals(type)) {
                throw client(
                        "Task definition placement constraints only support the memberOf type; '%s' can be "
                                + "used with RunTask, CreateService and UpdateService.",
                        type);
            }
            if (Nodes.blank(expression)) {
                throw client("A memberOf placement constraint requires an expression.");
            }
            if (expression.length() > MAX_EXPRESSION_LENGTH) {
                throw client(
                        "Placement constraint expressions can be at most %d characters long.", MAX_EXPRESSION_LENGTH);
            }
            expressions.check(expression);
        }
    }

    static void checkProxyConfiguration(TaskContext task) {
        JsonNode proxy = task.request().path("proxyConfiguration");
        if (proxy.isMissingNode() || proxy.isNull()) {
            return;
        }
        if (!task.awsvpc()) {
            throw client("The proxyConfiguration parameter requires networkMode=awsvpc.");
        }
        String container = Nodes.text(proxy, "containerName");
        if (!task.containers().containsKey(container)) {
            throw client("The proxyConfiguration container '%s' is not defined in the task definition.", container);
        }
        Set<String> given = new HashSet<>();
        for (JsonNode property : Nodes.elements(proxy, "properties")) {
            String key = Nodes.text(property, "name");
            if (!PROXY_PROPERTIES.contains(key)) {
                throw client(
                        "Unknown proxyConfiguration property '%s'. Valid properties: %s.",
                        key,
                        String.join(", ", PROXY_PROPERTIES.stream().sorted().toList()));
            }
            given.add(key);
        }
        for (String required : List.of("AppPorts", "ProxyIngressPort", "ProxyEgressPort")) {
            if (!given.contains(required)) {
                throw client("The proxyConfiguration property '%s' is required.", required);
            }
        }
        if (!given.contains("IgnoredUID") && !given.contains("IgnoredGID")) {
            throw client("The proxyConfiguration needs the IgnoredUID or the IgnoredGID property.");
        }
    }

    /** Ephemeral storage, runtime platform, PID/IPC namespaces and inference accelerator names. */
    static void checkPlatform(TaskContext task) {
        JsonNode request = task.request();
        Integer storage = Nodes.integer(request.path("ephemeralStorage"), "sizeInGiB");
        if (storage != null && (storage < MIN_EPHEMERAL_GIB || storage > MAX_EPHEMERAL_GIB)) {
            throw client(
                    "Invalid 'ephemeralStorage.sizeInGiB' setting for task. The value must be between %d and "
                            + "%d GiB.",
                    MIN_EPHEMERAL_GIB, MAX_EPHEMERAL_GIB);
        }
        if (task.windows()) {
            if ("ARM64".equals(Nodes.text(request.path("runtimePlatform"), "cpuArchitecture"))) {
                throw client("Windows containers do not support the ARM64 cpuArchitecture.");
            }
            for (String namespace : List.of("pidMode", "ipcMode")) {
                if (!Nodes.absent(request, namespace)) {
                    throw client("The '%s' parameter is not supported for Windows containers.", namespace);
                }
            }
        }
        Set<String> devices = new HashSet<>();
        for (JsonNode accelerator : Nodes.elements(request, "inferenceAccelerators")) {
            String device = Nodes.text(accelerator, "deviceName");
            if (Nodes.blank(device) || !devices.add(device)) {
                throw client("Inference accelerator device names must be non-empty and unique ('%s').", device);
            }
        }
    }
}
