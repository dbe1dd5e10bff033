package dev.berth.ecs.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.scheduler.InstanceStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every (from, to) pair of the container instance lifecycle against an expectations table. */
class InstanceLifecycleTest {

    private static final Map<InstanceStatus, Set<InstanceStatus>> EXPECTED = Map.of(
            InstanceStatus.REGISTERING,
                    EnumSet.of(InstanceStatus.REGISTERING, InstanceStatus.ACTIVE, InstanceStatus.REGISTRATION_FAILED),
            InstanceStatus.REGISTRATION_FAILED, EnumSet.of(InstanceStatus.REGISTRATION_FAILED, InstanceStatus.INACTIVE),
            InstanceStatus.ACTIVE,
                    EnumSet.of(
                            InstanceStatus.ACTIVE,
                            InstanceStatus.DRAINING,
                            InstanceStatus.DEREGISTERING,
                            InstanceStatus.INACTIVE),
            InstanceStatus.DRAINING,
                    EnumSet.of(
                            InstanceStatus.DRAINING,
                            InstanceStatus.ACTIVE,
                            InstanceStatus.DEREGISTERING,
                            InstanceStatus.INACTIVE),
            InstanceStatus.DEREGISTERING, EnumSet.of(InstanceStatus.DEREGISTERING, InstanceStatus.INACTIVE),
            InstanceStatus.INACTIVE, EnumSet.of(InstanceStatus.INACTIVE));

    @Test
    void transitionsMatchTheTable() {
        for (InstanceStatus from : InstanceStatus.values()) {
            for (InstanceStatus to : InstanceStatus.values()) {
                assertThat(InstanceLifecycle.allowed(from, to))
                        .as("%s -> %s", from, to)
                        .isEqualTo(EXPECTED.get(from).contains(to));
            }
        }
    }

    @Test
    void onlyActiveAndDrainingCountAsRegistered() {
        for (InstanceStatus s : InstanceStatus.values()) {
            assertThat(InstanceLifecycle.registered(s))
                    .as(s.name())
                    .isEqualTo(s == InstanceStatus.ACTIVE || s == InstanceStatus.DRAINING);
        }
    }
}
