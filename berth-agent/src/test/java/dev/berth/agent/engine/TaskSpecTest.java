package dev.berth.agent.engine;

import static dev.berth.agent.engine.DependencyCondition.COMPLETE;
import static dev.berth.agent.engine.DependencyCondition.HEALTHY;
import static dev.berth.agent.engine.DependencyCondition.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    var services = new EngineServices(null, null, null, null, mapper);
    String label = services.labelJson(spec);
    assertThat(label).doesNotContain("secret").contains("\"networkMode\":\"bridge\"");
    assertThat(services.parseLabel(label)).isEqualTo(spec.withoutCredentials());
  }

  @Test
  void linksAreImplicitStartDependencies() {
    var web = ContainerSpec.of("web", "x").withDependsOn(new ContainerDependency("db", HEALTHY));
    web = new ContainerSpec(web.name(), web.image(), null, null, null, null, null, null, null, null,
        null, null, null, List.of("db:database", "cache"), null, null, null, web.dependsOn(), null,
        null, null, null);
    assertThat(web.effectiveDependencies()).containsExactly(
        new ContainerDependency("db", HEALTHY), new ContainerDependency("cache", START));
  }

  @Test
  void validatorRejectsWhatTheModeOrTheGraphDoesNotAllow() {
    var ok = spec(NetworkMode.BRIDGE, ContainerSpec.of("a", "i"));
    assertThat(TaskSpecValidator.problems(ok)).isEmpty();

    assertThat(TaskSpecValidator.problems(spec(NetworkMode.NONE,
        ContainerSpec.of("a", "i").withPortMappings(PortMapping.tcp(80, null)))))
        .containsExactly("container a: portMappings are not allowed in network mode none");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.HOST,
        ContainerSpec.of("a", "i").withPortMappings(PortMapping.tcp(80, 8080)))))
        .containsExactly("container a: in host mode hostPort must equal containerPort");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE,
        ContainerSpec.of("a", "i").withEssential(false))))
        .containsExactly("task must have at least one essential container");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE,
        ContainerSpec.of("a", "i").withDependsOn(new ContainerDependency("b", COMPLETE)),
        ContainerSpec.of("b", "i"))))
        .containsExactly("container a: COMPLETE dependency on essential container b");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE,
        ContainerSpec.of("a", "i").withDependsOn(new ContainerDependency("b", START)),
        ContainerSpec.of("b", "i").withDependsOn(new ContainerDependency("a", START)))))
        .containsExactly("dependsOn/links form a cycle");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE,
        ContainerSpec.of("a", "i").withDependsOn(new ContainerDependency("b", HEALTHY)),
        ContainerSpec.of("b", "i"))))
        .containsExactly("container a: HEALTHY dependency on b which has no healthCheck");
    assertThat(TaskSpecValidator.problems(spec(NetworkMode.BRIDGE,
        ContainerSpec.of("a", "i").withLimits(null, 64, 128))))
        .containsExactly("container a: memoryReservation must not exceed memory");
  }

  private static TaskSpec spec(NetworkMode mode, ContainerSpec... containers) {
    return new TaskSpec(ARN, "f", 1, "c", mode, null, null, List.of(containers));
  }
}
