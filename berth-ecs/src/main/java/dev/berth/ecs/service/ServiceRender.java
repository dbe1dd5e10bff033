package dev.berth.ecs.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.tags.TagRules;
import dev.berth.model.Platform;
import java.math.BigDecimal;

/** ECS's Service structure for a stored service; runningCount and pendingCount are the deployments' sums. */
final class ServiceRender {

    private final Platform platform;

    ServiceRender(Platform platform) {
        this.platform = platform;
    }

    String arnOf(String cluster, String name) {
        return platform.arn("ecs", "service/" + cluster + "/" + name).toString();
    }

    ObjectNode render(StoredService s, boolean withTags) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("serviceArn", arnOf(s.cluster(), s.name()));
        n.put("serviceName", s.name());
        n.put("clusterArn", platform.arn("ecs", "cluster/" + s.cluster()).toString());
        n.set("loadBalancers", orEmpty(s.loadBalancers()));
        n.putArray("serviceRegistries");
        n.put("status", s.status());
        n.put("desiredCount", s.desiredCount());
        int running = 0;
        int pending = 0;
        for (StoredService.Deployment d : s.deployments()) {
            running += d.runningCount();
            pending += d.pendingCount();
        }
        n.put("runningCount", running);
        n.put("pendingCount", pending);
        n.put("launchType", s.launchType());
        n.put("taskDefinition", s.taskDefinitionArn());
        ObjectNode dc = n.putObject("deploymentConfiguration");
        StoredService.DeploymentConfig c = s.deploymentConfiguration();
        dc.putObject("deploymentCircuitBreaker")
                .put("enable", c.circuitBreakerEnable())
                .put("rollback", c.circuitBreakerRollback());
        dc.put("maximumPercent", c.maximumPercent());
        dc.put("minimumHealthyPercent", c.minimumHealthyPercent());
        if (c.alarms() != null && !c.alarms().isNull()) {
            dc.set("alarms", c.alarms());
        }
        ArrayNode deps = n.putArray("deployments");
        for (StoredService.Deployment d : s.deployments()) {
            ObjectNode dn = deps.addObject();
            dn.put("id", d.id())
                    .put("status", d.status())
                    .put("taskDefinition", d.taskDefinitionArn())
                    .put("desiredCount", d.desiredCount())
                    .put("pendingCount", d.pendingCount())
                    .put("runningCount", d.runningCount())
                    .put("failedTasks", d.failedTasks());
            time(dn, "createdAt", d.createdAt());
            time(dn, "updatedAt", d.updatedAt());
            dn.put("launchType", s.launchType());
            if (s.networkConfiguration() != null && !s.networkConfiguration().isNull()) {
                dn.set("networkConfiguration", s.networkConfiguration());
            }
            dn.put("rolloutState", d.rolloutState()).put("rolloutStateReason", d.rolloutStateReason());
        }
        ArrayNode events = n.putArray("events");
        for (StoredService.Event e : s.events()) {
            ObjectNode en = events.addObject().put("id", e.id());
            time(en, "createdAt", e.createdAt());
            en.put("message", e.message());
        }
        time(n, "createdAt", s.createdAt());
        n.set("placementConstraints", orEmpty(s.placementConstraints()));
        n.set("placementStrategy", orEmpty(s.placementStrategy()));
        if (s.networkConfiguration() != null && !s.networkConfiguration().isNull()) {
            n.set("networkConfiguration", s.networkConfiguration());
        }
        if (s.healthCheckGracePeriodSeconds() != null) {
            n.put("healthCheckGracePeriodSeconds", s.healthCheckGracePeriodSeconds());
        }
        n.put("schedulingStrategy", s.schedulingStrategy());
        n.putObject("deploymentController").put("type", "ECS");
        if (withTags) {
            n.set("tags", TagRules.toJson(s.tags()));
        }
        n.put("createdBy", s.createdBy());
        n.put("enableECSManagedTags", s.enableECSManagedTags());
        n.put("propagateTags", s.propagateTags());
        n.put("enableExecuteCommand", false);
        return n;
    }

    private static JsonNode orEmpty(JsonNode n) {
        return n == null || n.isNull() ? JsonNodeFactory.instance.arrayNode() : n;
    }

    private static void time(ObjectNode n, String field, long millis) {
        n.put(field, BigDecimal.valueOf(millis).movePointLeft(3));
    }
}
