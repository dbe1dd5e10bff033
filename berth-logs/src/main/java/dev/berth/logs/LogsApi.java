package dev.berth.logs;

import dev.berth.protocol.json.OperationTable;
import dev.berth.protocol.model.ServiceModel;
import java.util.Set;

/**
 * Amazon CloudWatch Logs (JSON 1.1, {@code Logs_20140328}, signing name {@code logs}) as the front
 * door sees it: the Logs service model and the operations Berth implements, registered by
 * {@link LogGroupApi}, {@link LogStreamApi} and {@link LogEventApi}. An operation the model defines
 * but nobody registered (metric filters, subscriptions, Logs Insights queries, ...) answers
 * {@code UnknownOperationException}; nothing pretends to succeed.
 */
public final class LogsApi extends OperationTable {

    public static final String MODEL = "aws-models/logs-2014-03-28.json";

    public LogsApi(ServiceModel model) {
        super(model, "InvalidParameterException");
        // log stream names only exclude ':' and '*' in the model ([^:*]*); KMS key ids have no pattern
        identifierMembers(Set.of("logStreamName", "logStreamNamePrefix", "logStreamNames", "kmsKeyId"));
    }
}
