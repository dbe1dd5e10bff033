package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Computes {@code requiresAttributes}: the container instance attributes a task definition needs, as ECS
 * derives them from the features it uses.
 *
 * <p>ECS agents advertise capabilities as attributes ({@code com.amazonaws.ecs.capability.*},
 * {@code ecs.capability.*}); the scheduler only places a task on an instance that has every attribute its task
 * definition requires. Berth's placement engine uses the same list, so an agent that lacks, say, the awslogs
 * driver is never chosen for a task that logs with it. The mapping follows the ECS developer guide's
 * "Amazon ECS container instance attributes" page and what DescribeTaskDefinition returns.
 */
final class RequiredAttributes {

    static final String DOCKER_API = "com.amazonaws.ecs.capability.docker-remote-api.";
    static final String LOGGING_DRIVER = "com.amazonaws.ecs.capability.logging-driver.";

    /** One required attribute; value is null for the usual name-only capability. */
    record Attribute(String name, String value) {
        static Attribute named(String name) {
            return new Attribute(name, null);
        }
    }

    private RequiredAttributes() {}

    /** The attributes as the JSON array ECS returns. */
    static ArrayNode toJson(TaskContext task) {
        ArrayNode out = Nodes.FACTORY.arrayNode();
        for (Attribute attribute : compute(task)) {
            ObjectNode node = out.addObject().put("name", attribute.name());
            if (attribute.value() != null) {
                node.put("value", attribute.value());
            }
        }
        return out;
    }

    static Set<Attribute> compute(TaskContext task) {
        Set<Attribute> out = new LinkedHashSet<>();
        JsonNode request = task.request();
        boolean executionRole = !Nodes.blank(Nodes.text(request, "executionRoleArn"));
        for (JsonNode container : task.containers().values()) {
            addContainer(out, container, executionRole);
        }
        if (!Nodes.blank(Nodes.text(request, "taskRoleArn"))) {
            out.add(Attribute.named("com.amazonaws.ecs.capability.task-iam-role"));
        }
        if (task.awsvpc()) {
            out.add(Attribute.named("ecs.capability.task-eni"));
        }
        if (!Nodes.absent(request, "proxyConfiguration")) {
            out.add(Attribute.named("ecs.capability.aws-appmesh"));
        }
        addVolumes(out, request);
        String architecture = Nodes.text(request.path("runtimePlatform"), "cpuArchitecture");
        if ("ARM64".equals(architecture)) {
            out.add(new Attribute("ecs.cpu-architecture", "arm64"));
        }
        return out;
    }

    private static void addContainer(Set<Attribute> out, JsonNode container, boolean executionRole) {
        if (!Nodes.absent(container, "dockerLabels")
                || !Nodes.elements(container, "ulimits").isEmpty()) {
            out.add(Attribute.named(DOCKER_API + "1.18"));
        }
        JsonNode log = container.path("logConfiguration");
        String driver = Nodes.text(log, "logDriver");
        if (driver != null) {
            out.add(Attribute.named(DOCKER_API + "1.18"));
            out.add(Attribute.named(LOGGING_DRIVER + driver));
            if (!Nodes.absent(log, "options")) {
                out.add(Attribute.named(DOCKER_API + "1.19"));
            }
            if (driver.equals("awslogs") && executionRole) {
                out.add(Attribute.named("ecs.capability.execution-role-awslogs"));
            }
        }
        if (!Nodes.absent(container, "healthCheck")) {
            out.add(Attribute.named(DOCKER_API + "1.24"));
            out.add(Attribute.named("ecs.capability.container-health-check"));
        }
        if (Nodes.bool(container.path("linuxParameters"), "initProcessEnabled", false)) {
            out.add(Attribute.named(DOCKER_API + "1.25"));
        }
        for (JsonNode secret : Nodes.elements(container, "secrets")) {
            out.add(Attribute.named("ecs.capability.secrets." + secretStore(secret) + ".environment-variables"));
        }
        for (JsonNode secret : Nodes.elements(log, "secretOptions")) {
            out.add(Attribute.named("ecs.capability.secrets." + secretStore(secret) + ".bootstrap.log-driver"));
        }
        if (!Nodes.elements(container, "dependsOn").isEmpty()
                || !Nodes.absent(container, "startTimeout")
                || !Nodes.absent(container, "stopTimeout")) {
            out.add(Attribute.named("ecs.capability.container-ordering"));
        }
        if (!Nodes.elements(container, "environmentFiles").isEmpty()) {
            out.add(Attribute.named("ecs.capability.env-files.s3"));
        }
        String firelens = Nodes.text(container.path("firelensConfiguration"), "type");
        if (firelens != null) {
            out.add(Attribute.named("ecs.capability.firelens." + firelens));
            String configType =
                    Nodes.text(container.path("firelensConfiguration").path("options"), "config-file-type");
            if (configType != null) {
                out.add(Attribute.named("ecs.capability.firelens.options.config." + configType));
            }
        }
        if (!Nodes.absent(container, "repositoryCredentials")) {
            out.add(Attribute.named("com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager"));
        }
        if (LaunchTypeRules.ecrImage(Nodes.text(container, "image"))) {
            out.add(Attribute.named("com.amazonaws.ecs.capability.ecr-auth"));
            if (executionRole) {
                out.add(Attribute.named("ecs.capability.execution-role-ecr-pull"));
            }
        }
    }

    private static void addVolumes(Set<Attribute> out, JsonNode request) {
        for (JsonNode volume : Nodes.elements(request, "volumes")) {
            JsonNode efs = volume.path("efsVolumeConfiguration");
            if (!efs.isMissingNode() && !efs.isNull()) {
                out.add(Attribute.named("ecs.capability.efs"));
                if (!Nodes.absent(efs, "authorizationConfig")) {
                    out.add(Attribute.named("ecs.capability.efsAuth"));
                }
            }
            if (!Nodes.absent(volume, "fsxWindowsFileServerVolumeConfiguration")) {
                out.add(Attribute.named("ecs.capability.fsxWindowsFileServer"));
            }
            JsonNode docker = volume.path("dockerVolumeConfiguration");
            if (!docker.isMissingNode() && !docker.isNull()) {
                out.add(Attribute.named(DOCKER_API + "1.25"));
                String driver = Nodes.text(docker, "driver");
                if (driver != null && !driver.equals("local")) {
                    out.add(Attribute.named("com.amazonaws.ecs.capability.docker-plugin." + driver));
                }
            }
        }
    }

    /** {@code asm} for a Secrets Manager ARN, {@code ssm} for a Parameter Store name or ARN. */
    private static String secretStore(JsonNode secret) {
        String from = Nodes.text(secret, "valueFrom");
        return from != null && from.toLowerCase(Locale.ROOT).contains(":secretsmanager:") ? "asm" : "ssm";
    }
}
