package dev.berth.ecs.service;

import dev.berth.scheduler.PlacementResult;

/** ECS's service event messages that the controller (rather than the planner) writes. */
final class ServiceEvents {

    private ServiceEvents() {}

    static String started(String service, java.util.List<String> taskIds) {
        StringBuilder m = new StringBuilder("(service " + service + ") has started " + taskIds.size() + " tasks:");
        taskIds.forEach(id -> m.append(" (task ").append(id).append(")"));
        return m.append(".").toString();
    }

    static String unplaced(String service, PlacementResult r) {
        String prefix = "(service " + service
                + ") was unable to place a task because no container instance met all of its" + " requirements.";
        if (r.summaryReason() != null || r.closestMatch().isEmpty()) {
            return prefix + " Reason: No Container Instances were found in your cluster. For more information, see the"
                    + " Troubleshooting section.";
        }
        PlacementResult.InstanceFailure f = r.closestMatch().get();
        String id = f.arn().substring(f.arn().lastIndexOf('/') + 1);
        String why =
                switch (f.reason()) {
                    case CPU -> "has insufficient CPU units available";
                    case MEMORY -> "has insufficient memory available";
                    case PORTS -> "is already using a port required by your task";
                    case MISSING_ATTRIBUTE -> "is missing an attribute required by your task" + f.detail();
                    case DISTINCT_INSTANCE, MEMBER_OF ->
                        "encountered error \"" + f.reason().ecsReason() + "\"";
                    case DRAINING -> "is draining";
                    case INACTIVE -> "is inactive";
                    case AGENT_DISCONNECTED, RUNTIME_IMPAIRED -> "has an agent that is not connected";
                };
        return prefix + " The closest matching (container-instance " + id + ") " + why
                + ". For more information, see the Troubleshooting section.";
    }

    static String registered(String service, int n, String targetGroupArn) {
        return "(service " + service + ") registered " + n + " targets in (target-group " + targetGroupArn + ")";
    }

    static String deregistered(String service, int n, String targetGroupArn) {
        return "(service " + service + ") deregistered " + n + " targets in (target-group " + targetGroupArn + ")";
    }

    /**
     * ECS's event for a task whose target fails its load balancer's health checks (one per target
     * group): {@code (service web) (task <id>) (instance i-…) (port 32768) is unhealthy in
     * (target-group <arn>) due to (reason Health checks failed with these codes: [503]).} — the EC2
     * launch type's form; without {@code (instance …)} for an ip target (the Fargate form).
     */
    static String unhealthy(String service, String taskId, ServiceView.ElbFailure f) {
        StringBuilder m = new StringBuilder("(service " + service + ") (task " + taskId + ")");
        if (f.targetId().startsWith("i-")) {
            m.append(" (instance ").append(f.targetId()).append(")");
        }
        String reason = f.reason() == null || f.reason().isBlank() ? "Health checks failed" : f.reason();
        return m.append(" (port ")
                .append(f.port())
                .append(") is unhealthy in (target-group ")
                .append(f.targetGroupArn())
                .append(") due to (reason ")
                .append(reason)
                .append(").")
                .toString();
    }
}
