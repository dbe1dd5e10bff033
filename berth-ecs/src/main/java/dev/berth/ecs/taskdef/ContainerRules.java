package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.TaskDefinitionErrors.client;
import static dev.berth.ecs.taskdef.TaskDefinitionErrors.invalidContainerSetting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules one container definition must satisfy on its own or against its task, and the defaults ECS fills
 * into it when it stores the definition.
 *
 * <p>Identity (name, image), resources, environment, secrets, labels, volume references and the settings that
 * depend on the network mode are checked here. The more structured sub-objects (health check, ulimits, log
 * configuration, Linux parameters) are in {@link ContainerOptionRules}, ports in {@link PortRules}, references
 * between containers in {@link ContainerReferences}.
 */
final class ContainerRules {

    /** Docker 20.10+ reserves 6 MiB per container; ECS documents it as the smallest sensible limit. */
    static final int MIN_CONTAINER_MEMORY_MIB = 6;

    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_ENVIRONMENT_FILES = 10;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9_\\-:./#]+");
    private static final Pattern DIGEST = Pattern.compile("sha256:[A-Fa-f0-9]{64}");
    private static final Pattern USER = Pattern.compile("[^:]+(:[^:]+)?");

    private ContainerRules() {}

    /** Container name syntax: 1 to 255 letters, numbers, hyphens and underscores. */
    static void checkName(JsonNode container) {
        String name = Nodes.text(container, "name");
        if (Nodes.blank(name)) {
            throw client("Container.name should not be null or empty.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw client("Container.name should be 255 characters or less.");
        }
        if (!NAME.matcher(name).matches()) {
            throw client("Container.name contains invalid characters.");
        }
    }

    /** Every rule about one container that needs nothing but the task context. */
    static void check(ObjectNode container, TaskContext task) {
        String name = Nodes.text(container, "name");
        checkImage(container);
        checkResources(name, container, task);
        checkEnvironment(name, container);
        checkMounts(name, container, task);
        checkNetworkModeSettings(name, container, task);
        checkUser(name, container);
        ContainerOptionRules.check(name, container, task);
    }

    /** The container as DescribeTaskDefinition returns it: a copy with ECS's defaults filled in. */
    static ObjectNode normalize(ObjectNode container, TaskContext task) {
        ObjectNode out = container.deepCopy();
        if (Nodes.absent(out, "cpu")) {
            out.put("cpu", 0);
        }
        out.set("portMappings", PortRules.normalize(container, task));
        if (Nodes.absent(out, "essential")) {
            out.put("essential", true);
        }
        for (String list : List.of("environment", "mountPoints", "volumesFrom", "systemControls")) {
            Nodes.arrayOrEmpty(out, list);
        }
        ContainerOptionRules.normalize(out);
        return out;
    }

    /** True when the container is essential (the default). */
    static boolean essential(JsonNode container) {
        return Nodes.bool(container, "essential", true);
    }

    private static void checkImage(JsonNode container) {
        String image = Nodes.text(container, "image");
        if (Nodes.blank(image) || image.isBlank()) {
            throw client("Container.image should not be null or empty.");
        }
        int at = image.indexOf('@');
        String reference = at < 0 ? image : image.substring(0, at);
        if (reference.length() > MAX_NAME_LENGTH) {
            throw client("Container.image should be 255 characters or less.");
        }
        if (!IMAGE.matcher(reference).matches()
                || (at >= 0 && !DIGEST.matcher(image.substring(at + 1)).matches())) {
            throw client("Container.image contains invalid characters.");
        }
    }

    private static void checkResources(String name, JsonNode container, TaskContext task) {
        Integer cpu = Nodes.integer(container, "cpu");
        if (cpu != null && cpu < 0) {
            throw invalidContainerSetting(name, "cpu", "The value must be 0 or greater.");
        }
        Integer memory = Nodes.integer(container, "memory");
        Integer reservation = Nodes.integer(container, "memoryReservation");
        checkMinimumMemory(name, "memory", memory);
        checkMinimumMemory(name, "memoryReservation", reservation);
        if (memory == null && reservation == null && task.size().memory() == null) {
            throw client(
                    "Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' "
                            + "must be specified.",
                    name);
        }
        if (memory != null && reservation != null && reservation > memory) {
            throw invalidContainerSetting(
                    name, "memoryReservation", "'memory' must be greater than or equal to 'memoryReservation'.");
        }
        if (memory != null
                && task.size().memory() != null
                && memory > task.size().memory()) {
            throw client("The 'memory' setting for container '%s' is greater than for the task.", name);
        }
    }

    private static void checkMinimumMemory(String name, String field, Integer value) {
        if (value != null && value < MIN_CONTAINER_MEMORY_MIB) {
            throw invalidContainerSetting(
                    name, field, "The value must be at least " + MIN_CONTAINER_MEMORY_MIB + " MiB.");
        }
    }

    private static void checkEnvironment(String name, JsonNode container) {
        for (JsonNode variable : Nodes.elements(container, "environment")) {
            String key = Nodes.text(variable, "name");
            if (Nodes.blank(key) || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                throw invalidContainerSetting(
                        name, "environment", "Environment variable names must be non-empty and must not contain '='.");
            }
        }
        List<JsonNode> files = Nodes.elements(container, "environmentFiles");
        if (files.size() > MAX_ENVIRONMENT_FILES) {
            throw invalidContainerSetting(
                    name, "environmentFiles", "You can specify up to " + MAX_ENVIRONMENT_FILES + " environment files.");
        }
        for (JsonNode file : files) {
            String value = Nodes.text(file, "value");
            if (Nodes.blank(value) || !value.endsWith(".env")) {
                throw invalidContainerSetting(
                        name, "environmentFiles", "Environment files must have a .env file extension.");
            }
        }
        checkSecrets(name, "secrets", Nodes.elements(container, "secrets"));
        checkSecrets(
                name,
                "logConfiguration.secretOptions",
                Nodes.elements(container.path("logConfiguration"), "secretOptions"));
        Set<String> labels = new HashSet<>();
        if (!Nodes.absent(container, "dockerLabels")) {
            container.get("dockerLabels").fieldNames().forEachRemaining(labels::add);
        }
        if (labels.contains("")) {
            throw invalidContainerSetting(name, "dockerLabels", "Docker label keys must not be empty.");
        }
    }

    private static void checkSecrets(String name, String field, List<JsonNode> secrets) {
        Set<String> seen = new HashSet<>();
        for (JsonNode secret : secrets) {
            String key = Nodes.text(secret, "name");
            if (Nodes.blank(key) || Nodes.blank(Nodes.text(secret, "valueFrom"))) {
                throw invalidContainerSetting(name, field, "Each secret needs a non-empty name and valueFrom.");
            }
            if (!seen.add(key)) {
                throw invalidContainerSetting(name, field, "Secret name '" + key + "' is used more than once.");
            }
        }
    }

    private static void checkMounts(String name, JsonNode container, TaskContext task) {
        for (JsonNode mount : Nodes.elements(container, "mountPoints")) {
            String volume = Nodes.text(mount, "sourceVolume");
            if (Nodes.blank(volume) || !task.volumeNames().contains(volume)) {
                throw invalidContainerSetting(
                        name,
                        "mountPoints",
                        "The source volume '" + volume + "' is not defined in the task definition volumes.");
            }
            if (Nodes.blank(Nodes.text(mount, "containerPath"))) {
                throw invalidContainerSetting(
                        name, "mountPoints", "A mount point needs a containerPath (volume '" + volume + "').");
            }
        }
    }

    private static void checkNetworkModeSettings(String name, JsonNode container, TaskContext task) {
        if (task.awsvpc() && !Nodes.absent(container, "hostname")) {
            throw invalidContainerSetting(
                    name, "hostname", "The hostname parameter is not supported when networkMode=awsvpc.");
        }
        if (task.awsvpc() && !Nodes.elements(container, "extraHosts").isEmpty()) {
            throw invalidContainerSetting(
                    name, "extraHosts", "The extraHosts parameter is not supported when networkMode=awsvpc.");
        }
        if (!Nodes.elements(container, "links").isEmpty() && !TaskContext.BRIDGE.equals(task.networkMode())) {
            throw client("Links are not supported when networkMode=%s.", task.networkMode());
        }
        for (JsonNode entry : Nodes.elements(container, "extraHosts")) {
            if (Nodes.blank(Nodes.text(entry, "hostname")) || Nodes.blank(Nodes.text(entry, "ipAddress"))) {
                throw invalidContainerSetting(name, "extraHosts", "Each entry needs a hostname and an ipAddress.");
            }
        }
    }

    private static void checkUser(String name, JsonNode container) {
        String user = Nodes.text(container, "user");
        if (user != null && !USER.matcher(user).matches()) {
            throw invalidContainerSetting(
                    name, "user", "Use one of the formats user, user:group, uid, uid:gid, user:gid or uid:group.");
        }
    }
}
