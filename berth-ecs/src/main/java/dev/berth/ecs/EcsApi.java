package dev.berth.ecs;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.OperationTable;
import dev.berth.protocol.model.ServiceModel;
import java.util.Map;
import java.util.Set;

/**
 * Amazon ECS as the front door sees it: the ECS service model and the table of operations Berth
 * implements, gathered from the per-resource API classes. Operations the model defines but no
 * class has registered answer {@code UnknownOperationException} saying Berth does not implement
 * them yet; nothing pretends to succeed.
 */
public final class EcsApi extends OperationTable {

    public static final String MODEL = "aws-models/ecs-2014-11-13.json";

    public EcsApi(ServiceModel model) {
        super(model, "InvalidParameterException");
        identifierMembers(IDENTIFIER_MEMBERS);
    }

    /**
     * Members that name or identify something (ECS's model gives them no pattern): clusters,
     * services, tasks, families, container instances, ARNs, container and attribute names. None
     * may hold a control character. The names a create call gives ({@code clusterName},
     * {@code serviceName}, {@code family}) are not here: their handlers check ECS's documented
     * naming rules (letters, numbers, hyphens, underscores) and answer with ECS's own messages.
     */
    static final Set<String> IDENTIFIER_MEMBERS = Set.of(
            "cluster",
            "clusters",
            "service",
            "services",
            "task",
            "tasks",
            "taskDefinition",
            "taskDefinitions",
            "familyPrefix",
            "containerInstance",
            "containerInstances",
            "resourceArn",
            "targetId",
            "targetGroupArn",
            "loadBalancerName",
            "executionRoleArn",
            "taskRoleArn",
            "name",
            "containerName",
            "attributeName",
            "attributeValue",
            "capacityProvider",
            "capacityProviders",
            "startedBy",
            "group",
            "referenceId",
            "image",
            "hostname",
            "sourceVolume",
            "sourceContainer",
            "portName",
            "discoveryName",
            "namespace",
            "clientToken");

    @Override
    public EcsApi register(Map<String, JsonOperation> ops) {
        super.register(ops);
        return this;
    }
}
