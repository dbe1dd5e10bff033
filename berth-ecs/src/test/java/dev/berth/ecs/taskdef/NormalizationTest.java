package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.fargate;
import static dev.berth.ecs.taskdef.Requests.json;
import static dev.berth.ecs.taskdef.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The defaults and computed members of the stored TaskDefinition body. */
class NormalizationTest {

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.has("name") ? n.get("name").asText() : n.asText()));
        return out;
    }

    @Test
    void fillsContainerDefaultsLikeDescribeTaskDefinition() {
        ObjectNode td = TaskDefinitionRules.validate(request(container("app", "")));
        JsonNode app = td.get("containerDefinitions").get(0);
        assertThat(app.get("cpu").asInt()).isZero();
        assertThat(app.get("essential").asBoolean()).isTrue();
        for (String list : List.of("portMappings", "environment", "mountPoints", "volumesFrom", "systemControls")) {
            assertThat(app.get(list).isArray()).as(list).isTrue();
            assertThat(app.get(list)).as(list).isEmpty();
        }
        assertThat(app.get("memory").asInt()).isEqualTo(128);
    }

    @Test
    void keepsExplicitValuesAndReplacesNullLists() {
        ObjectNode td = TaskDefinitionRules.validate(
                request(container("app", "'cpu':10,'essential':true,'environment':null,'command':['sleep','1']"), ""));
        JsonNode app = td.get("containerDefinitions").get(0);
        assertThat(app.get("cpu").asInt()).isEqualTo(10);
        assertThat(app.get("environment").isArray()).isTrue();
        assertThat(texts(app.get("command"))).containsExactly("sleep", "1");
    }

    @Test
    void taskLevelDefaultsAndOmissions() {
        ObjectNode td = TaskDefinitionRules.validate(request(container("app", "")));
        assertThat(td.get("family").asText()).isEqualTo("web");
        assertThat(td.get("volumes")).isEmpty();
        assertThat(td.get("placementConstraints")).isEmpty();
        assertThat(texts(td.get("compatibilities"))).containsExactly("EXTERNAL", "EC2");
        assertThat(td.has("networkMode")).isFalse();
        assertThat(td.has("requiresCompatibilities")).isFalse();
        assertThat(td.has("cpu")).isFalse();
        for (String handlerField :
                List.of("taskDefinitionArn", "revision", "status", "registeredAt", "registeredBy", "tags")) {
            assertThat(td.has(handlerField)).as(handlerField).isFalse();
        }
    }

    @Test
    void dropsTagsAndLeavesRequestUnchanged() {
        ObjectNode request = request(container("app", ""), "'tags':[{'key':'a','value':'b'}]");
        ObjectNode before = request.deepCopy();
        ObjectNode td = TaskDefinitionRules.validate(request);
        assertThat(td.has("tags")).isFalse();
        assertThat(request).isEqualTo(before);
    }

    @Test
    void normalizesTaskCpuAndMemoryUnits() {
        ObjectNode td = TaskDefinitionRules.validate(
                fargate(container("app", ""), "").put("cpu", "1 vCPU").put("memory", "2 GB"));
        assertThat(td.get("cpu").asText()).isEqualTo("1024");
        assertThat(td.get("memory").asText()).isEqualTo("2048");
        ObjectNode quarter = TaskDefinitionRules.validate(
                fargate(container("app", ""), "").put("cpu", "0.25 vcpu").put("memory", "0.5GB"));
        assertThat(quarter.get("cpu").asText()).isEqualTo("256");
        assertThat(quarter.get("memory").asText()).isEqualTo("512");
    }

    @Test
    void fargateCompatibleDefinitionListsEc2AndFargate() {
        ObjectNode td = TaskDefinitionRules.validate(fargate(container("app", ""), ""));
        assertThat(texts(td.get("compatibilities"))).containsExactly("EC2", "FARGATE");
        assertThat(texts(td.get("requiresCompatibilities"))).containsExactly("FARGATE");
    }

    @Test
    void awsvpcEc2DefinitionThatFitsFargateAlsoListsFargate() {
        ObjectNode td = TaskDefinitionRules.validate(
                request(container("app", ""), "'networkMode':'awsvpc','cpu':'512','memory':'1024'"));
        assertThat(texts(td.get("compatibilities"))).containsExactly("EC2", "FARGATE");
        ObjectNode noSize = TaskDefinitionRules.validate(request(container("app", ""), "'networkMode':'awsvpc'"));
        assertThat(texts(noSize.get("compatibilities"))).containsExactly("EC2");
        ObjectNode privileged = TaskDefinitionRules.validate(
                request(container("app", "'privileged':true"), "'networkMode':'awsvpc','cpu':'512','memory':'1024'"));
        assertThat(texts(privileged.get("compatibilities"))).containsExactly("EC2");
    }

    @Test
    void portMappingsGetProtocolAndHostPortPerNetworkMode() {
        String web = container("app", "'portMappings':[{'containerPort':80},{'containerPort':53,'protocol':'udp'}]");
        JsonNode bridge = TaskDefinitionRules.validate(request(web)).at("/containerDefinitions/0/portMappings");
        assertThat(bridge.get(0).get("protocol").asText()).isEqualTo("tcp");
        assertThat(bridge.get(0).get("hostPort").asInt()).isZero();
        assertThat(bridge.get(1).get("protocol").asText()).isEqualTo("udp");
        JsonNode awsvpc = TaskDefinitionRules.validate(request(web, "'networkMode':'awsvpc'"))
                .at("/containerDefinitions/0/portMappings");
        assertThat(awsvpc.get(0).get("hostPort").asInt()).isEqualTo(80);
        JsonNode host = TaskDefinitionRules.validate(request(web, "'networkMode':'host'"))
                .at("/containerDefinitions/0/portMappings");
        assertThat(host.get(1).get("hostPort").asInt()).isEqualTo(53);
        JsonNode range = TaskDefinitionRules.validate(request(
                        container("app", "'portMappings':[{'containerPortRange':'8000-8010'}]"),
                        "'networkMode':'awsvpc'"))
                .at("/containerDefinitions/0/portMappings/0");
        assertThat(range.has("hostPort")).isFalse();
        assertThat(range.get("protocol").asText()).isEqualTo("tcp");
    }

    @Test
    void healthCheckDefaultsAreFilled() {
        JsonNode health = TaskDefinitionRules.validate(
                        request(container("app", "'healthCheck':{'command':['CMD-SHELL','true'],'retries':5}")))
                .at("/containerDefinitions/0/healthCheck");
        assertThat(health.get("interval").asInt()).isEqualTo(30);
        assertThat(health.get("timeout").asInt()).isEqualTo(5);
        assertThat(health.get("retries").asInt()).isEqualTo(5);
        assertThat(health.has("startPeriod")).isFalse();
    }

    @Test
    void proxyConfigurationTypeDefaultsToAppMesh() {
        ObjectNode td = TaskDefinitionRules.validate(request(
                container("app", "") + "," + container("envoy", ""),
                "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'envoy','properties':["
                        + "{'name':'IgnoredUID','value':'1337'},{'name':'AppPorts','value':'80'},"
                        + "{'name':'ProxyIngressPort','value':'15000'},{'name':'ProxyEgressPort','value':'15001'}]}"));
        assertThat(td.at("/proxyConfiguration/type").asText()).isEqualTo("APPMESH");
    }

    @Test
    void copiesTaskLevelMembers() {
        ObjectNode td = TaskDefinitionRules.validate(fargate(
                container("app", ""),
                "'taskRoleArn':'arn:aws:iam::000000000000:role/t','executionRoleArn':'arn:aws:iam::000000000000:role/e',"
                        + "'ephemeralStorage':{'sizeInGiB':50},'runtimePlatform':{'cpuArchitecture':'ARM64',"
                        + "'operatingSystemFamily':'LINUX'},'pidMode':'task'"));
        assertThat(td.get("taskRoleArn").asText()).endsWith("role/t");
        assertThat(td.get("executionRoleArn").asText()).endsWith("role/e");
        assertThat(td.get("networkMode").asText()).isEqualTo("awsvpc");
        assertThat(td.at("/ephemeralStorage/sizeInGiB").asInt()).isEqualTo(50);
        assertThat(td.at("/runtimePlatform/cpuArchitecture").asText()).isEqualTo("ARM64");
        assertThat(td.get("pidMode").asText()).isEqualTo("task");
    }

    @Test
    void computesRequiresAttributes() {
        ObjectNode td = TaskDefinitionRules.validate(json("{'family':'f','networkMode':'awsvpc',"
                + "'taskRoleArn':'r','executionRoleArn':'arn:aws:iam::000000000000:role/e',"
                + "'runtimePlatform':{'cpuArchitecture':'ARM64'},"
                + "'containerDefinitions':[{'name':'a','image':'000000000000.dkr.ecr.us-east-1.amazonaws.com/a:1',"
                + "'memory':64,'dockerLabels':{'k':'v'},'healthCheck':{'command':['CMD','true']},"
                + "'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-group':'g','awslogs-region':'r'}},"
                + "'secrets':[{'name':'S','valueFrom':'arn:aws:secretsmanager:us-east-1:000000000000:secret:s'},"
                + "{'name':'P','valueFrom':'param'}],'dependsOn':[{'containerName':'b','condition':'START'}],"
                + "'linuxParameters':{'initProcessEnabled':true}},{'name':'b','image':'busybox','memory':64}]}"));
        List<String> names = texts(td.get("requiresAttributes"));
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "com.amazonaws.ecs.capability.docker-remote-api.1.18",
                        "com.amazonaws.ecs.capability.docker-remote-api.1.19",
                        "com.amazonaws.ecs.capability.docker-remote-api.1.24",
                        "com.amazonaws.ecs.capability.docker-remote-api.1.25",
                        "com.amazonaws.ecs.capability.logging-driver.awslogs",
                        "ecs.capability.execution-role-awslogs",
                        "ecs.capability.container-health-check",
                        "ecs.capability.secrets.asm.environment-variables",
                        "ecs.capability.secrets.ssm.environment-variables",
                        "ecs.capability.container-ordering",
                        "com.amazonaws.ecs.capability.ecr-auth",
                        "ecs.capability.execution-role-ecr-pull",
                        "com.amazonaws.ecs.capability.task-iam-role",
                        "ecs.capability.task-eni",
                        "ecs.cpu-architecture");
        JsonNode arch = td.get("requiresAttributes").get(names.indexOf("ecs.cpu-architecture"));
        assertThat(arch.get("value").asText()).isEqualTo("arm64");
    }

    @Test
    void plainDefinitionRequiresNoAttributes() {
        assertThat(TaskDefinitionRules.validate(request(container("app", ""))).get("requiresAttributes"))
                .isEmpty();
    }
}
