package dev.berth.iam.sts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.query.QueryOperation;
import dev.berth.protocol.query.QueryService;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS STS over the query protocol. GetCallerIdentity is what scripts run first to check that
 * their credentials work ({@code aws sts get-caller-identity}); it reports the root identity of
 * the key that signed the call.
 */
public final class StsApi implements QueryService {

    public static final String MODEL = "aws-models/sts-2011-06-15.json";

    private final ServiceModel model;

    public StsApi(ServiceModel model) {
        this.model = model;
    }

    @Override
    public ServiceModel model() {
        return model;
    }

    @Override
    public Optional<QueryOperation> operation(String action) {
        if (action.equals("GetCallerIdentity")) {
            return Optional.of(this::getCallerIdentity);
        }
        return Optional.empty();
    }

    private JsonNode getCallerIdentity(CallContext call, Map<String, List<String>> params) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("UserId", call.accountId())
                .put("Account", call.accountId())
                .put("Arn", "arn:aws:iam::" + call.accountId() + ":root");
    }
}
