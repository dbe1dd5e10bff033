package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.TaskDefinitionErrors.client;
import static dev.berth.ecs.taskdef.TaskDefinitionErrors.invalidContainerSetting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rules for the structured options of a container: health check, start/stop timeouts, ulimits, log
 * configuration, Linux parameters, resource requirements and system controls.
 *
 * <p>Each option has documented ranges (health check interval 5..300 s, swappiness 0..100, ...) that the service
 * model does not encode as traits, so they are checked here. The health check is also where ECS fills defaults
 * (interval 30, timeout 5, retries 3) into the stored definition.
 */
final class ContainerOptionRules {

    static final int DEFAULT_HEALTH_INTERVAL = 30;
    static final int DEFAULT_HEALTH_TIMEOUT = 5;
    static final int DEFAULT_HEALTH_RETRIES = 3;

    /** Kernel capabilities the ECS documentation lists for {@code linuxParameters.capabilities}. */
    static final Set<String> CAPABILITIES = Set.of(
            "ALL",
            "AUDIT_CONTROL",
            "AUDIT_WRITE",
            "BLOCK_SUSPEND",
            "CHOWN",
            "DAC_OVERRIDE",
            "DAC_READ_SEARCH",
            "FOWNER",
            "FSETID",
            "IPC_LOCK",
            "IPC_OWNER",
            "KILL",
            "LEASE",
            "LINUX_IMMUTABLE",
            "MAC_ADMIN",
            "MAC_OVERRIDE",
            "MKNOD",
            "NET_ADMIN",
            "NET_BIND_SERVICE",
            "NET_BROADCAST",
            "NET_RAW",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_ADMIN",
            "SYS_BOOT",
            "SYS_CHROOT",
            "SYS_MODULE",
            "SYS_NICE",
            "SYS_PACCT",
            "SYS_PTRACE",
            "SYS_RAWIO",
            "SYS_RESOURCE",
            "SYS_TIME",
            "SYS_TTY_CONFIG",
            "SYSLOG",
            "WAKE_ALARM");

    /** The awslogs options ECS requires, in the order its error message names them. */
    static final List<String> AWSLOGS_REQUIRED = List.of("awslogs-region", "awslogs-group");

    /** sysctl prefixes that live in the IPC namespace (not allowed with ipcMode=host). */
    private static final List<String> IPC_SYSCTLS = List.of(
            "kernel.msgmax",
            "kernel.msgmnb",
            "kernel.msgmni",
            "kernel.sem",
            "kernel.shmall",
            "kernel.shmmax",
            "kernel.shmmni",
            "kernel.shm_rmid_forced",
            "fs.mqueue.");

    private ContainerOptionRules() {}

    static void check(String name, ObjectNode container, TaskContext task) {
        checkHealthCheck(name, container);
        checkTimeout(name, "startTimeout", Nodes.integer(container, "startTimeout"));
        checkTimeout(name, "stopTimeout", Nodes.integer(container, "stopTimeout"));
        checkUlimits(name, container);
        checkLogConfiguration(name, container, task);
        checkLinuxParameters(name, container.path("linuxParameters"));
        checkResourceRequirements(name, container, task);
        checkSystemControls(name, container, task);
    }

    /** Fills the health check defaults ECS stores: interval 30, timeout 5, retries 3. */
    static void normalize(ObjectNode container) {
        if (container.get("healthCheck") instanceof ObjectNode health) {
            if (Nodes.absent(health, "interval")) {
                health.put("interval", DEFAULT_HEALTH_INTERVAL);
            }
            if (Nodes.absent(health, "timeout")) {
                health.put("timeout", DEFAULT_HEALTH_TIMEOUT);
            }
            if (Nodes.absent(health, "retries")) {
                health.put("retries", DEFAULT_HEALTH_RETRIES);
            }
        }
    }

    private static void checkHealthCheck(String name, JsonNode container) {
        if (Nodes.absent(container, "healthCheck")) {
            return;
        }
        JsonNode health = container.get("healthCheck");
        List<String> command = Nodes.texts(health, "command");
        if (command.isEmpty()
                || !(command.get(0).equals("CMD") || command.get(0).equals("CMD-SHELL"))) {
            throw invalidContainerSetting(
                    name, "healthCheck.command", "The health check command must start with CMD or CMD-SHELL.");
        }
        if (command.size() < 2) {
            throw invalidContainerSetting(
                    name,
                    "healthCheck.command",
                    "The health check command needs a command after " + command.get(0) + ".");
        }
        checkRange(name, "healthCheck.interval", Nodes.integer(health, "interval"), 5, 300, " seconds");
        checkRange(name, "healthCheck.timeout", Nodes.integer(health, "timeout"), 2, 60, " seconds");
        checkRange(name, "healthCheck.retries", Nodes.integer(health, "retries"), 1, 10, "");
        checkRange(name, "healthCheck.startPeriod", Nodes.integer(health, "startPeriod"), 0, 300, " seconds");
    }

    /** Throws unless value is null or within [min, max]; the message names the field and the range. */
    static void checkRange(String name, String field, Integer value, int min, int max, String unit) {
        if (value != null && (value < min || value > max)) {
            throw invalidContainerSetting(name, field, "The value must be between " + min + " and " + max + unit + ".");
        }
    }

    private static void checkTimeout(String name, String field, Integer seconds) {
        if (seconds != null && seconds < 0) {
            throw invalidContainerSetting(name, field, "The value must be 0 or greater.");
        }
    }

    private static void checkUlimits(String name, JsonNode container) {
        Set<String> seen = new HashSet<>();
        for (JsonNode ulimit : Nodes.elements(container, "ulimits")) {
            String limit = Nodes.text(ulimit, "name");
            if (!seen.add(limit)) {
                throw invalidContainerSetting(name, "ulimits", "The ulimit '" + limit + "' is set more than once.");
            }
            Integer soft = Nodes.integer(ulimit, "softLimit");
            Integer hard = Nodes.integer(ulimit, "hardLimit");
            if (soft != null && hard != null && hard >= 0 && (soft < 0 || soft > hard)) {
                throw invalidContainerSetting(
                        name, "ulimits", "The softLimit of '" + limit + "' must not be greater than its hardLimit.");
            }
        }
    }

    private static void checkLogConfiguration(String name, JsonNode container, TaskContext task) {
        JsonNode log = container.path("logConfiguration");
        String driver = Nodes.text(log, "logDriver");
        if (driver == null) {
            return;
        }
        if (driver.equals("awslogs")) {
            List<String> missing = new ArrayList<>();
            for (String option : AWSLOGS_REQUIRED) {
                if (Nodes.blank(Nodes.text(log.path("options"), option))) {
                    missing.add(option);
                }
            }
            if (!missing.isEmpty()) {
                throw client("Log driver awslogs requires options: %s", String.join(", ", missing));
            }
            java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
            log.path("options")
                    .fields()
                    .forEachRemaining(f -> options.put(f.getKey(), f.getValue().asText()));
            try {
                dev.berth.model.logs.AwslogsOptions.parse(options);
            } catch (IllegalArgumentException e) {
                throw invalidContainerSetting(name, "logConfiguration", e.getMessage());
            }
        }
        if (driver.equals("awsfirelens")
                && task.containers().values().stream().allMatch(c -> Nodes.absent(c, "firelensConfiguration"))) {
            throw invalidContainerSetting(
                    name,
                    "logConfiguration",
                    "The awsfirelens log driver needs a container with a firelensConfiguration in the task.");
        }
    }

    private static void checkLinuxParameters(String name, JsonNode linux) {
        if (linux.isMissingNode() || linux.isNull()) {
            return;
        }
        for (String direction : List.of("add", "drop")) {
            for (String capability : Nodes.texts(linux.path("capabilities"), direction)) {
                if (!CAPABILITIES.contains(capability)) {
                    throw invalidContainerSetting(
                            name, "linuxParameters.capabilities", "Unknown kernel capability '" + capability + "'.");
                }
            }
        }
        Integer shm = Nodes.integer(linux, "sharedMemorySize");
        if (shm != null && shm <= 0) {
            throw invalidContainerSetting(name, "linuxParameters.sharedMemorySize", "The value must be positive.");
        }
        Integer maxSwap = Nodes.integer(linux, "maxSwap");
        if (maxSwap != null && maxSwap < 0) {
            throw invalidContainerSetting(name, "linuxParameters.maxSwap", "The value must be 0 or greater.");
        }
        checkRange(name, "linuxParameters.swappiness", Nodes.integer(linux, "swappiness"), 0, 100, "");
        for (JsonNode tmpfs : Nodes.elements(linux, "tmpfs")) {
            String path = Nodes.text(tmpfs, "containerPath");
            Integer size = Nodes.integer(tmpfs, "size");
            if (Nodes.blank(path) || !path.startsWith("/") || size == null || size <= 0) {
                throw invalidContainerSetting(
                        name,
                        "linuxParameters.tmpfs",
                        "Each tmpfs mount needs an absolute containerPath and a positive size.");
            }
        }
        for (JsonNode device : Nodes.elements(linux, "devices")) {
            if (Nodes.blank(Nodes.text(device, "hostPath"))) {
                throw invalidContainerSetting(name, "linuxParameters.devices", "Each device needs a hostPath.");
            }
        }
    }

    private static void checkResourceRequirements(String name, JsonNode container, TaskContext task) {
        Set<String> types = new HashSet<>();
        Set<String> accelerators = new HashSet<>();
        for (JsonNode accelerator : Nodes.elements(task.request(), "inferenceAccelerators")) {
            accelerators.add(Nodes.text(accelerator, "deviceName"));
        }
        for (JsonNode requirement : Nodes.elements(container, "resourceRequirements")) {
            String type = Nodes.text(requirement, "type");
            String value = Nodes.text(requirement, "value");
            if (!types.add(type)) {
                throw invalidContainerSetting(
                        name, "resourceRequirements", "The resource type " + type + " is listed more than once.");
            }
            if ("GPU".equals(type) && (value == null || !value.matches("[1-9][0-9]{0,3}"))) {
                throw invalidContainerSetting(
                        name, "resourceRequirements", "The GPU value must be a positive whole number.");
            }
            if ("InferenceAccelerator".equals(type) && !accelerators.contains(value)) {
                throw invalidContainerSetting(
                        name,
                        "resourceRequirements",
                        "The inference accelerator '" + value + "' is not defined in inferenceAccelerators.");
            }
        }
    }

    private static void checkSystemControls(String name, JsonNode container, TaskContext task) {
        boolean hostIpc = "host".equals(Nodes.text(task.request(), "ipcMode"));
        for (JsonNode control : Nodes.elements(container, "systemControls")) {
            String namespace = Nodes.text(control, "namespace");
            if (Nodes.blank(namespace) || Nodes.absent(control, "value")) {
                throw invalidContainerSetting(name, "systemControls", "Each entry needs a namespace and a value.");
            }
            if (hostIpc && IPC_SYSCTLS.stream().anyMatch(namespace::startsWith)) {
                throw invalidContainerSetting(
                        name,
                        "systemControls",
                        "IPC namespace system controls (" + namespace + ") are not supported with ipcMode=host.");
            }
        }
    }
}
