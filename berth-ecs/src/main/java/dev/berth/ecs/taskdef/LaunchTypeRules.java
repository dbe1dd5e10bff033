package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Fargate and EXTERNAL (ECS Anywhere) instances cannot run, and the {@code compatibilities} ECS computes.
 *
 * <p>Each launch type check returns the first reason the definition cannot run there, instead of throwing,
 * because the same answer serves two purposes: when the request names the launch type in
 * {@code requiresCompatibilities} the reason becomes a {@code ClientException}; otherwise it only decides
 * whether ECS lists the launch type in the stored {@code compatibilities}. EC2 can run every definition that
 * passes the general rules.
 */
final class LaunchTypeRules {

    static final Set<String> FARGATE_LOG_DRIVERS = Set.of("awslogs", "splunk", "awsfirelens");
    static final int FARGATE_MAX_TIMEOUT_SECONDS = 120;

    private static final Pattern ECR_IMAGE =
            Pattern.compile("\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com.*/.*");
    private static final String FARGATE = "Tasks using the Fargate launch type do not support ";
    private static final String EXTERNAL = "Tasks using the EXTERNAL launch type do not support ";

    private LaunchTypeRules() {}

    /** The launch types the definition validated against, in ECS's order: EXTERNAL, EC2, FARGATE. */
    static List<String> compatibilities(TaskContext task) {
        List<String> out = new ArrayList<>();
        if (externalViolation(task).isEmpty()) {
            out.add("EXTERNAL");
        }
        out.add("EC2");
        if (fargateViolation(task).isEmpty()) {
            out.add("FARGATE");
        }
        return out;
    }

    /** True when the image is hosted in an Amazon ECR registry. */
    static boolean ecrImage(String image) {
        return image != null && ECR_IMAGE.matcher(image).matches();
    }

    /** The first reason Fargate cannot run this definition, or empty. */
    static Optional<String> fargateViolation(TaskContext task) {
        JsonNode request = task.request();
        TaskSize size = task.size();
        if (!task.awsvpc()) {
            return Optional.of("Fargate only supports network mode \u2018awsvpc\u2019.");
        }
        if (size.cpu() == null) {
            return Optional.of("Fargate requires that 'cpu' be defined at the task level.");
        }
        if (size.memory() == null) {
            return Optional.of("Fargate requires that 'memory' be defined at the task level.");
        }
        if (!FargateSizes.isValid(size.cpu(), size.memory())) {
            return Optional.of(String.format(
                    "No Fargate configuration exists for given values: %d CPU, %d memory. "
                            + "See the Amazon ECS documentation for the valid values.",
                    size.cpu(), size.memory()));
        }
        if (task.windows() && size.cpu() < FargateSizes.WINDOWS_MIN_CPU) {
            return Optional.of("The CPU units cannot be less than 1 vCPU when you use Windows containers on Fargate.");
        }
        if ("host".equals(Nodes.text(request, "pidMode"))) {
            return Optional.of(FARGATE + "pidMode 'host'.");
        }
        for (String field : List.of("ipcMode", "placementConstraints", "inferenceAccelerators")) {
            if (!Nodes.absent(request, field)
                    && !(request.get(field).isArray() && request.get(field).isEmpty())) {
                return Optional.of(FARGATE + field + ".");
            }
        }
        Optional<String> volume = fargateVolumeViolation(task);
        if (volume.isPresent()) {
            return volume;
        }
        for (Map.Entry<String, ObjectNode> entry : task.containers().entrySet()) {
            Optional<String> reason = fargateContainerViolation(entry.getKey(), entry.getValue());
            if (reason.isPresent()) {
                return reason;
            }
        }
        return fargateExecutionRoleViolation(task);
    }

    /** The first reason an EXTERNAL (ECS Anywhere) instance cannot run this definition, or empty. */
    static Optional<String> externalViolation(TaskContext task) {
        if (task.awsvpc()) {
            return Optional.of(EXTERNAL + "networkMode awsvpc.");
        }
        JsonNode request = task.request();
        if (!Nodes.absent(request, "proxyConfiguration")) {
            return Optional.of(EXTERNAL + "proxyConfiguration.");
        }
        if (!Nodes.elements(request, "inferenceAccelerators").isEmpty()) {
            return Optional.of(EXTERNAL + "inferenceAccelerators.");
        }
        for (JsonNode volume : Nodes.elements(request, "volumes")) {
            if (!Nodes.absent(volume, "efsVolumeConfiguration")
                    || !Nodes.absent(volume, "fsxWindowsFileServerVolumeConfiguration")) {
                return Optional.of(EXTERNAL + "EFS or FSx volumes (volume '" + Nodes.text(volume, "name") + "').");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fargateVolumeViolation(TaskContext task) {
        for (JsonNode volume : Nodes.elements(task.request(), "volumes")) {
            String name = Nodes.text(volume, "name");
            if (!Nodes.absent(volume.path("host"), "sourcePath")) {
                return Optional.of(FARGATE + "host volumes with a sourcePath (volume '" + name + "').");
            }
            if (!Nodes.absent(volume, "dockerVolumeConfiguration")) {
                return Optional.of(FARGATE + "dockerVolumeConfiguration (volume '" + name + "').");
            }
            if (!Nodes.absent(volume, "fsxWindowsFileServerVolumeConfiguration") && !task.windows()) {
                return Optional.of(
                        "FSx for Windows File Server volumes require Windows containers (volume '" + name + "').");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fargateContainerViolation(String name, JsonNode container) {
        String where = " (container '" + name + "').";
        if (Nodes.bool(container, "privileged", false)) {
            return Optional.of(FARGATE + "privileged containers" + where);
        }
        if (!Nodes.elements(container, "dockerSecurityOptions").isEmpty()) {
            return Optional.of(FARGATE + "dockerSecurityOptions" + where);
        }
        JsonNode linux = container.path("linuxParameters");
        for (String field : List.of("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness")) {
            if (!Nodes.absent(linux, field)) {
                return Optional.of(FARGATE + "linuxParameters." + field + where);
            }
        }
        for (String capability : Nodes.texts(linux.path("capabilities"), "add")) {
            if (!"SYS_PTRACE".equals(capability)) {
                return Optional.of(FARGATE + "adding the " + capability + " capability; only SYS_PTRACE" + where);
            }
        }
        String driver = Nodes.text(container.path("logConfiguration"), "logDriver");
        if (driver != null && !FARGATE_LOG_DRIVERS.contains(driver)) {
            return Optional.of(FARGATE + "the " + driver + " log driver; use awslogs, splunk or awsfirelens" + where);
        }
        for (JsonNode requirement : Nodes.elements(container, "resourceRequirements")) {
            if ("GPU".equals(Nodes.text(requirement, "type"))) {
                return Optional.of(FARGATE + "GPU resource requirements" + where);
            }
        }
        for (String timeout : List.of("startTimeout", "stopTimeout")) {
            Integer seconds = Nodes.integer(container, timeout);
            if (seconds != null && seconds > FARGATE_MAX_TIMEOUT_SECONDS) {
                return Optional.of("The maximum " + timeout + " on Fargate is " + FARGATE_MAX_TIMEOUT_SECONDS
                        + " seconds" + where);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fargateExecutionRoleViolation(TaskContext task) {
        if (!Nodes.blank(Nodes.text(task.request(), "executionRoleArn"))) {
            return Optional.empty();
        }
        String missing = "Fargate requires task definition to have execution role ARN to support ";
        for (JsonNode container : task.containers().values()) {
            if (ecrImage(Nodes.text(container, "image"))) {
                return Optional.of(missing + "ECR images.");
            }
            if ("awslogs".equals(Nodes.text(container.path("logConfiguration"), "logDriver"))) {
                return Optional.of(missing + "log driver awslogs.");
            }
            if (!Nodes.elements(container, "secrets").isEmpty()
                    || !Nodes.elements(container.path("logConfiguration"), "secretOptions")
                            .isEmpty()) {
                return Optional.of(missing + "secrets.");
            }
            if (!Nodes.absent(container, "repositoryCredentials")) {
                return Optional.of(missing + "private registry authentication.");
            }
        }
        return Optional.empty();
    }
}
