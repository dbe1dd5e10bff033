package dev.berth.ecs.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * One ECS service as the store keeps it (kind {@code service}, key {@code <cluster>/<name>}; an
 * INACTIVE service moves to kind {@value #INACTIVE_KIND} so the cluster's service counts are key-prefix
 * counts and the name can be reused). The API writes what the user wants (desired count, task
 * definition, configuration) and opens deployments; the controller writes what it concluded (deployment
 * counts and rollout states, events, throttle). Both go through the same record with compare-and-set on
 * the store version, so neither overwrites the other's change.
 *
 * @param deployments newest first; the first is PRIMARY, the others ACTIVE (tasks still running)
 * @param events newest first, at most {@link #MAX_EVENTS}
 * @param lastCompleted the task definition and configuration of the last COMPLETED deployment (rollback target)
 * @param handledStopped ids of stopped tasks the controller has already accounted for (pruned as tasks are purged)
 * @param steady whether the last reconcile found the service steady (the steady-state event fires on the edge)
 */
public record StoredService(
        String cluster,
        String name,
        String status,
        int desiredCount,
        String launchType,
        String schedulingStrategy,
        String taskDefinitionArn,
        DeploymentConfig deploymentConfiguration,
        JsonNode placementConstraints,
        JsonNode placementStrategy,
        JsonNode loadBalancers,
        JsonNode networkConfiguration,
        Integer healthCheckGracePeriodSeconds,
        String propagateTags,
        boolean enableECSManagedTags,
        List<Tag> tags,
        String clientToken,
        String requestHash,
        long createdAt,
        String createdBy,
        List<Deployment> deployments,
        List<Event> events,
        Rollback lastCompleted,
        List<String> handledStopped,
        Throttle throttle,
        boolean steady) {

    public static final String ACTIVE = "ACTIVE";
    public static final String DRAINING = "DRAINING";
    public static final String INACTIVE = "INACTIVE";
    public static final String INACTIVE_KIND = "service-inactive";
    public static final String REPLICA = "REPLICA";
    public static final String DAEMON = "DAEMON";
    public static final int MAX_EVENTS = 100;

    public StoredService {
        tags = tags == null ? List.of() : List.copyOf(tags);
        deployments = deployments == null ? List.of() : List.copyOf(deployments);
        events = events == null ? List.of() : List.copyOf(events);
        handledStopped = handledStopped == null ? List.of() : List.copyOf(handledStopped);
        throttle = throttle == null ? Throttle.NONE : throttle;
    }

    public String key() {
        return cluster + "/" + name;
    }

    /** The task group (and the prefix of startedBy) ECS gives a service's tasks. */
    public String group() {
        return "service:" + name;
    }

    public boolean daemon() {
        return DAEMON.equals(schedulingStrategy);
    }

    public Deployment primary() {
        return deployments.isEmpty() ? null : deployments.getFirst();
    }

    /** minimumHealthyPercent, maximumPercent, the circuit breaker and alarms (stored as given). */
    public record DeploymentConfig(
            int minimumHealthyPercent,
            int maximumPercent,
            boolean circuitBreakerEnable,
            boolean circuitBreakerRollback,
            JsonNode alarms) {}

    /** What a rollback restores: the last COMPLETED deployment's task definition. */
    public record Rollback(String deploymentId, String taskDefinitionArn) {}

    /**
     * Restart throttling: after repeated launches that never reached RUNNING, new launches wait until
     * {@code notBeforeMillis} (exponential backoff), as ECS throttles services whose tasks keep failing.
     */
    public record Throttle(int consecutiveFailures, long notBeforeMillis) {
        public static final Throttle NONE = new Throttle(0, 0);
    }

    /** One entry of ECS's {@code events}. */
    public record Event(String id, long createdAt, String message) {}

    /**
     * One deployment. {@code stage2} records that a task of it reached RUNNING (the circuit breaker's
     * second stage, which watches health, has begun).
     */
    public record Deployment(
            String id,
            String status,
            String taskDefinitionArn,
            int desiredCount,
            int pendingCount,
            int runningCount,
            int failedTasks,
            long createdAt,
            long updatedAt,
            String rolloutState,
            String rolloutStateReason,
            boolean stage2) {

        public Deployment with(
                String newStatus,
                int desired,
                int pending,
                int running,
                int failed,
                long now,
                String state,
                String reason,
                boolean s2) {
            boolean same = newStatus.equals(status)
                    && desired == desiredCount
                    && pending == pendingCount
                    && running == runningCount
                    && failed == failedTasks
                    && state.equals(rolloutState)
                    && reason.equals(rolloutStateReason)
                    && s2 == stage2;
            return new Deployment(
                    id,
                    newStatus,
                    taskDefinitionArn,
                    desired,
                    pending,
                    running,
                    failed,
                    createdAt,
                    same ? updatedAt : now,
                    state,
                    reason,
                    s2);
        }
    }

    public StoredService with(
            String newStatus,
            int newDesired,
            String td,
            DeploymentConfig config,
            JsonNode constraints,
            JsonNode strategy,
            List<Deployment> deps) {
        return new StoredService(
                cluster,
                name,
                newStatus,
                newDesired,
                launchType,
                schedulingStrategy,
                td,
                config,
                constraints,
                strategy,
                loadBalancers,
                networkConfiguration,
                healthCheckGracePeriodSeconds,
                propagateTags,
                enableECSManagedTags,
                tags,
                clientToken,
                requestHash,
                createdAt,
                createdBy,
                deps,
                events,
                lastCompleted,
                handledStopped,
                throttle,
                newStatus.equals(status) && deps.equals(deployments) && steady);
    }

    public StoredService withOptions(Integer grace, String propagate, boolean managedTags, JsonNode lbs) {
        return new StoredService(
                cluster,
                name,
                status,
                desiredCount,
                launchType,
                schedulingStrategy,
                taskDefinitionArn,
                deploymentConfiguration,
                placementConstraints,
                placementStrategy,
                lbs,
                networkConfiguration,
                grace,
                propagate,
                managedTags,
                tags,
                clientToken,
                requestHash,
                createdAt,
                createdBy,
                deployments,
                events,
                lastCompleted,
                handledStopped,
                throttle,
                steady);
    }

    /** A DAEMON service's desired count follows the number of instances that should run it. */
    public StoredService withDesiredCount(int desired) {
        return new StoredService(
                cluster,
                name,
                status,
                desired,
                launchType,
                schedulingStrategy,
                taskDefinitionArn,
                deploymentConfiguration,
                placementConstraints,
                placementStrategy,
                loadBalancers,
                networkConfiguration,
                healthCheckGracePeriodSeconds,
                propagateTags,
                enableECSManagedTags,
                tags,
                clientToken,
                requestHash,
                createdAt,
                createdBy,
                deployments,
                events,
                lastCompleted,
                handledStopped,
                throttle,
                steady);
    }

    public StoredService withTags(List<Tag> t) {
        return new StoredService(
                cluster,
                name,
                status,
                desiredCount,
                launchType,
                schedulingStrategy,
                taskDefinitionArn,
                deploymentConfiguration,
                placementConstraints,
                placementStrategy,
                loadBalancers,
                networkConfiguration,
                healthCheckGracePeriodSeconds,
                propagateTags,
                enableECSManagedTags,
                t,
                clientToken,
                requestHash,
                createdAt,
                createdBy,
                deployments,
                events,
                lastCompleted,
                handledStopped,
                throttle,
                steady);
    }

    /** The controller's conclusions written back onto the service. */
    public StoredService reconciled(
            String newStatus,
            String td,
            List<Deployment> deps,
            List<Event> newEvents,
            Rollback completed,
            List<String> handled,
            Throttle t,
            boolean isSteady) {
        List<Event> all = new ArrayList<>(newEvents);
        all.addAll(events);
        if (all.size() > MAX_EVENTS) {
            all = all.subList(0, MAX_EVENTS);
        }
        return new StoredService(
                cluster,
                name,
                newStatus,
                desiredCount,
                launchType,
                schedulingStrategy,
                td,
                deploymentConfiguration,
                placementConstraints,
                placementStrategy,
                loadBalancers,
                networkConfiguration,
                healthCheckGracePeriodSeconds,
                propagateTags,
                enableECSManagedTags,
                tags,
                clientToken,
                requestHash,
                createdAt,
                createdBy,
                deps,
                all,
                completed,
                handled,
                t,
                isSteady);
    }
}
