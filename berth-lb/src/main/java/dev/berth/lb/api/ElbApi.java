package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.lb.config.ElbState;
import dev.berth.model.Platform;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.query.QueryInput;
import dev.berth.protocol.query.QueryOperation;
import dev.berth.protocol.query.QueryService;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Elastic Load Balancing v2 (API version 2015-12-01) over the AWS query protocol: the operation
 * table the front door dispatches to. Each request's flat parameters are decoded and validated
 * against the botocore model by {@link QueryInput} (constraint violations are
 * {@code ValidationError}, as ELBv2 reports them) before an operation sees them; operations return
 * JSON trees shaped like their output shapes, which the front door renders as XML.
 *
 * <p>Operations that Berth does not offer (certificates, security groups, subnets, SSL policies,
 * IP address types) are not registered, so the front door answers them as unknown actions.
 */
public final class ElbApi implements QueryService {

    public static final String MODEL = "aws-models/elasticloadbalancingv2-2015-12-01.json";

    /** One operation: validated input in, output tree out. */
    @FunctionalInterface
    interface Op {
        JsonNode run(ObjectNode input);
    }

    private final ServiceModel model;
    private final QueryInput input;
    private final Map<String, Op> ops;

    /**
     * Members that name or identify something, or end up in an HTTP header (redirect parts, the
     * fixed response's content type, health-check paths): the model gives them no pattern, and
     * none may hold a control character. A create call's {@code Name} is the handlers': they
     * answer with ELB's own message ("can only contain characters that are alphanumeric ...").
     */
    static final Set<String> IDENTIFIER_MEMBERS = Set.of(
            "Names",
            "LoadBalancerArn",
            "LoadBalancerArns",
            "TargetGroupArn",
            "TargetGroupArns",
            "ListenerArn",
            "ListenerArns",
            "RuleArn",
            "RuleArns",
            "ResourceArns",
            "Id",
            "CertificateArn",
            "SslPolicy",
            "AvailabilityZone",
            "SubnetId",
            "Subnets",
            "SecurityGroups",
            "VpcId",
            "AllocationId",
            "HealthCheckPath",
            "HealthCheckPort",
            "Host",
            "Path",
            "Port",
            "Query",
            "ContentType",
            "HttpHeaderName");

    private final TargetOps targets;

    public ElbApi(
            ServiceModel model,
            ElbState state,
            Platform platform,
            Plane plane,
            AddressPool pool,
            Clock clock,
            Function<String, Optional<String>> instanceAddress) {
        this.model = model;
        this.input = new QueryInput(model, "ValidationError", IDENTIFIER_MEMBERS);
        Map<String, Op> table = new LinkedHashMap<>();
        new LoadBalancerOps(state, platform, plane, pool, clock).register(table);
        new TargetGroupOps(state, platform).register(table);
        this.targets = new TargetOps(state, platform, plane, instanceAddress);
        targets.register(table);
        new ListenerOps(state, platform, plane).register(table);
        new RuleOps(state, platform).register(table);
        new TagOps(state).register(table);
        this.ops = Collections.unmodifiableMap(table);
    }

    @Override
    public ServiceModel model() {
        return model;
    }

    @Override
    public Optional<QueryOperation> operation(String action) {
        Op op = ops.get(action);
        if (op == null) {
            return Optional.empty();
        }
        return Optional.of((call, params) -> op.run(input.read(action, params)));
    }

    /** The registration side used by the ECS service scheduler. */
    public TargetOps targets() {
        return targets;
    }
}
