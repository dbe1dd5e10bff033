package dev.berth.ecs;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.OperationTable;
import dev.berth.protocol.model.ServiceModel;
import java.util.Map;

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
    }

    @Override
    public EcsApi register(Map<String, JsonOperation> ops) {
        super.register(ops);
        return this;
    }
}
