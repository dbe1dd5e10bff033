package dev.berth.ecs.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.scheduler.InstanceStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An agent that re-registers while its tasks run must not offer their resources again. */
class ReregistrationTest {

    private static final List<String> RESERVED = List.of("22", "2375", "2376", "51678", "51679");

    private static StoredContainerInstance instance(
            StoredContainerInstance.Resources registered, StoredContainerInstance.Resources remaining) {
        return new StoredContainerInstance(
                "c",
                "id",
                "i-1",
                InstanceStatus.ACTIVE,
                null,
                7,
                new StoredContainerInstance.VersionInfo("1", "h", "unknown"),
                registered,
                remaining,
                2,
                0,
                Map.of(),
                Map.of("team", "a"),
                List.of(),
                "127.0.0.11",
                1000,
                2000,
                "hash",
                5,
                9,
                null);
    }

    @Test
    void runningTasksKeepTheirCpuMemoryAndPortsAcrossAReregistration() {
        var registered = new StoredContainerInstance.Resources(2048, 3840, RESERVED, List.of());
        // two tasks: 512 + 256 CPU, 1024 + 512 MiB, host ports 8080 (tcp) and 5353 (udp)
        var remaining =
                new StoredContainerInstance.Resources(1280, 2304, concat(RESERVED, List.of("8080")), List.of("5353"));
        var ci = instance(registered, remaining);

        // the engine appeared or was upgraded: the agent reports (here) more memory, same CPU
        var reported = new StoredContainerInstance.Resources(2048, 4096, RESERVED, List.of());
        var after = ci.reregistered(reported, Map.of("ecs.os-type", "linux"), ci.versionInfo(), "127.0.0.11", 3000);

        assertThat(after.registered()).isEqualTo(reported);
        assertThat(after.remaining().cpu()).isEqualTo(1280);
        assertThat(after.remaining().memory()).isEqualTo(4096 - 1536);
        assertThat(after.remaining().ports()).containsExactlyInAnyOrderElementsOf(concat(RESERVED, List.of("8080")));
        assertThat(after.remaining().portsUdp()).containsExactly("5353");
        assertThat(after.runningTasksCount()).isEqualTo(2);
        assertThat(after.customAttributes()).containsEntry("team", "a");
    }

    @Test
    void anIdleInstanceOffersEverythingItReports() {
        var registered = new StoredContainerInstance.Resources(1024, 2048, RESERVED, List.of());
        var ci = instance(registered, registered);
        var reported = new StoredContainerInstance.Resources(2048, 3840, RESERVED, List.of());
        assertThat(ci.reregistered(reported, Map.of(), ci.versionInfo(), "127.0.0.11", 3000)
                        .remaining())
                .isEqualTo(reported);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
