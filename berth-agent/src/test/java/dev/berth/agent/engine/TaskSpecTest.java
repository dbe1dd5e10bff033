package dev.berth.agent.engine;

import static dev.berth.agent.engine.DependencyCondition.COMPLETE;
import static dev.berth.agent.engine.DependencyCondition.HEALTHY;
import static dev.berth.agent.engine.DependencyCondition.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec records: ECS-shaped JSON in, label JSON round trip, and the agent's own validation. */
class TaskSpecTest {
    private static final String ARN = "arn:aws:ecs:us-east-1:000000000000:task/c/abc";

    @Test
    void readsEcsShapedJsonWithDefaults() throws Exception {
        String json = """
        {"taskArn":"%s","family":"web","revision":3,"clusterName":"c","networkMode":"bridge",
         "memory":512,"unknownField":true,
         "containers":[{"name":"app","image":"127.0.0.1:4566/web:1",
           "portMappings":[{"containerPort":80}],
           "dependsOn":[{"containerName":"db","condition":"HEALTHY"}],
           "repositoryCredentials":{"username":"AWS","password":"secret"}},
          {"name":"db","image":"db:1","essential":false,
           "healthCheck":{"command":["CMD-SHELL","true"]}}]}
        """.formatted(ARN);
        var mapper = EngineServices.labelMapper();
        TaskSpec spec = mapper.readValue(json, TaskSpec.class);
        assertThat(spec.networkMode()).isEqualTo(NetworkMode.BRIDGE);
        assertThat(spec.taskId()).isEqualTo("abc");
        ContainerSpec app = spec.container("app").orElseThrow();
        assertThat(app.essential()).isTrue();
        assertThat(app.portMappings()).containsExactly(new PortMapping(80, null, "tcp"));
        assertThat(app.portMappings().getFirst().dynamic()).isTrue();
        assertThat(spec.container("db").orElseThrow().healthCheck())
                .isEqualTo(new HealthCheckSpec(List.of("CMD-SHELL", "true"), 30, 5, 3, 0));

        var services = new EngineServices(null, null, null, null, null, mapper);
        String label = services.labelJson(spec);
        assertThat(label).doesNotContain("secret").contains("\"networkMode\":\"bridge\"");
        assertThat(services.parseLabel(label)).isEqualTo(spec.withoutCredentials());
    }

    @Test
    void linksAreImplicitStartDependencies() {
        var web = ContainerSpec.of("web", "x").withDependsOn(new ContainerDependency("db", HEALTHY));
        web = web.toBuilder().links("db:database", "cache").build();
        assertThat(web.effectiveDependencies())
                .containsExactly(new ContainerDependency("db", HEALTHY), new ContainerDependency("cache", START));
    }

    @Test
    void validatorRejectsWhatTheModeOrTheGraphDoesNotAllow() {
        var a = ContainerSpec.of("a", "i");
        var b = ContainerSpec.of("b", "i");
        Map<TaskSpec, String> cases = new LinkedHashMap<>();
        cases.put(
                spec(NetworkMode.NONE, a.withPortMappings(PortMapping.tcp(80, null))),
                "container a: portMappings are not allowed in network mode none");
        cases.put(
                spec(NetworkMode.HOST, a.withPortMappings(PortMapping.tcp(80, 8080))),
                "container a: in host mode hostPort must equal containerPort");
        cases.put(
                spec(NetworkMode.HOST, a.toBuilder().hostname("h").build()),
                "container a: hostname is not allowed in network mode host");
        cases.put(
                spec(NetworkMode.NONE, a.toBuilder().links("b").build(), b),
                "container a: links are only allowed in network mode bridge");
        cases.put(spec(NetworkMode.BRIDGE, a.withEssential(false)), "task must have at least one essential container");
        cases.put(
                spec(NetworkMode.BRIDGE, a.withDependsOn(new ContainerDependency("b", COMPLETE)), b),
                "container a: COMPLETE dependency on essential container b");
        cases.put(
                spec(
                        NetworkMode.BRIDGE,
                        a.withDependsOn(new ContainerDependency("b", START)),
                        b.withDependsOn(new ContainerDependency("a", START))),
                "dependsOn/links form a cycle");
        cases.put(
                spec(NetworkMode.BRIDGE, a.withDependsOn(new ContainerDependency("b", HEALTHY)), b),
                "container a: HEALTHY dependency on b which has no healthCheck");
        cases.put(
                spec(NetworkMode.BRIDGE, a.withDependsOn(new ContainerDependency("x", START))),
                "container a: depends on unknown container x");
        cases.put(
                spec(NetworkMode.BRIDGE, a.withLimits(null, 64, 128)),
                "container a: memoryReservation must not exceed memory");
        cases.put(spec(NetworkMode.BRIDGE, a, a), "duplicate container name a");

        assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE, a))).isEmpty();
        cases.forEach((spec, problem) ->
                assertThat(TaskSpecValidator.problems(spec)).as(problem).containsExactly(problem));
    }

    private static TaskSpec spec(NetworkMode mode, ContainerSpec... containers) {
        return new TaskSpec(ARN, "f", 1, "c", mode, null, null, List.of(containers));
    }
}
