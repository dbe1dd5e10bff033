package dev.berth.lb;

import dev.berth.lb.api.Plane;
import dev.berth.lb.api.References;
import dev.berth.lb.api.TargetOps;
import dev.berth.lb.config.ElbState;
import dev.berth.lb.config.TargetConf;
import dev.berth.lb.config.TargetGroupConf;
import dev.berth.model.error.AwsException;
import dev.berth.model.lb.LoadBalancerTargets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load balancers as the ECS service scheduler sees them ({@link LoadBalancerTargets}): it
 * checks a service's target group, registers and deregisters task targets with the addresses the
 * scheduler already knows, and reports their health from the data plane. Registration goes through
 * the same code as RegisterTargets, so the API and the scheduler cannot disagree.
 */
final class ElbTargets implements LoadBalancerTargets {

    private final ElbState state;
    private final TargetOps targets;
    private final dev.berth.lb.plane.DataPlane plane;

    ElbTargets(ElbState state, TargetOps targets, dev.berth.lb.plane.DataPlane plane) {
        this.state = state;
        this.targets = targets;
        this.plane = plane;
    }

    @Override
    public void onDeregistered(java.util.function.Consumer<String> listener) {
        plane.onDeregistered(listener);
    }

    @Override
    public void validate(String targetGroupArn, String containerName, int containerPort) {
        ElbState.Snapshot s = state.snapshot();
        TargetGroupConf tg = s.targetGroups().get(targetGroupArn);
        if (tg == null) {
            throw new AwsException(
                    "InvalidParameterException",
                    400,
                    "The target group with targetGroupArn " + targetGroupArn + " does not exist.");
        }
        if (References.loadBalancersOf(s, targetGroupArn).isEmpty()) {
            throw new AwsException(
                    "InvalidParameterException",
                    400,
                    "The target group with targetGroupArn " + targetGroupArn
                            + " does not have an associated load balancer.");
        }
    }

    @Override
    public void register(String targetGroupArn, List<Target> list) {
        try {
            targets.register(
                    targetGroupArn,
                    list.stream()
                            .map(t -> new TargetConf(t.id(), t.port(), t.address(), null))
                            .toList());
        } catch (AwsException e) {
            throw new AwsException("InvalidParameterException", 400, e.getMessage());
        }
    }

    @Override
    public void deregister(String targetGroupArn, List<Target> list) {
        targets.deregister(
                targetGroupArn,
                list.stream()
                        .map(t -> new String[] {t.id(), String.valueOf(t.port())})
                        .toList());
    }

    @Override
    public int deregistrationDelaySeconds(String targetGroupArn) {
        TargetGroupConf tg = state.snapshot().targetGroups().get(targetGroupArn);
        return tg == null ? 0 : tg.deregistrationDelaySeconds();
    }

    @Override
    public Map<Target, TargetHealth> health(String targetGroupArn, List<Target> list) {
        Map<Target, TargetHealth> out = new LinkedHashMap<>();
        states(targetGroupArn, list).forEach((t, s) -> out.put(t, s.health()));
        return out;
    }

    /** A registered target's live state wins over a draining entry of the same id and port (re-registered). */
    @Override
    public Map<Target, TargetState> states(String targetGroupArn, List<Target> list) {
        List<Plane.TargetHealthView> views = targets.health(targetGroupArn);
        Map<Target, TargetState> out = new LinkedHashMap<>();
        for (Target t : list) {
            TargetState s = new TargetState(TargetHealth.UNUSED, null, null);
            for (Plane.TargetHealthView v : views) {
                if (v.id().equals(t.id()) && v.port() == t.port()) {
                    s = new TargetState(
                            TargetHealth.valueOf(v.state().toUpperCase(Locale.ROOT)), v.reason(), v.description());
                    if (s.health() != TargetHealth.DRAINING) {
                        break;
                    }
                }
            }
            out.put(t, s);
        }
        return out;
    }
}
