package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.accepts;
import static dev.berth.ecs.taskdef.Requests.client;
import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.json;
import static dev.berth.ecs.taskdef.Requests.rejects;
import static dev.berth.ecs.taskdef.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLevelRulesTest {

    private static final String APP = container("app", "");

    @Test
    void familyRules() {
        client(request(APP).put("family", "my app"), "Family contains invalid characters.");
        client(request(APP).put("family", ""), "Family can not be blank.");
        client(request(APP).put("family", "f".repeat(256)), "Family should be 255 characters or less.");
        accepts(request(APP).put("family", "My_app-2" + "f".repeat(247)));
    }

    @Test
    void oneToTenContainers() {
        client(json("{'family':'f','containerDefinitions':[]}"), "Container definitions should not be empty.");
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(container("c" + i, ""));
        }
        client(request(String.join(",", eleven)), "Too many containers.");
        accepts(request(String.join(",", eleven.subList(0, 10))));
    }

    @Test
    void uniqueContainerNames() {
        client(request(APP + "," + APP), "Duplicate container name 'app'.");
    }

    @Test
    void atLeastOneEssentialContainer() {
        client(
                request(container("a", "'essential':false") + "," + container("b", "'essential':false")),
                "A task definition must have at least one essential container.");
        accepts(request(container("a", "'essential':false") + "," + container("b", "")));
    }

    @Test
    void containerSumsAgainstTaskSize() {
        client(
                request(container("a", "'cpu':512") + "," + container("b", "'cpu':600"), "'cpu':'1024'"),
                "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
        client(
                request(
                        container("a", "'memoryReservation':100") + "," + "{'name':'b','image':'x','memory':200}",
                        "'memory':'256'"),
                "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
        client(
                request(
                        container("a", "'memory':200") + "," + "{'name':'b','image':'x','memory':200}",
                        "'memory':'256'"),
                "The sum of all container 'memory' values cannot be greater");
        accepts(request(
                container("a", "'memoryReservation':100,'cpu':512") + ","
                        + container("b", "'cpu':512,'memoryReservation':128"),
                "'memory':'228','cpu':'1 vcpu'"));
    }

    @Test
    void taskCpuBoundsAndParsing() {
        client(request(APP, "'cpu':'64'"), "Invalid 'cpu' setting for task.");
        client(request(APP, "'cpu':'16384'"), "Invalid 'cpu' setting for task.");
        rejects(request(APP, "'cpu':''"), "InvalidParameterException", "Invalid 'cpu' setting for task.");
        rejects(request(APP, "'memory':'lots'"), "InvalidParameterException", "Invalid 'memory' setting for task.");
        accepts(request(APP, "'cpu':'10 vCPU','memory':'4GB'"));
    }

    @Test
    void volumeNamesAndKinds() {
        client(request(APP, "'volumes':[{'name':'v'},{'name':'v'}]"), "Duplicate volume name 'v'.");
        client(request(APP, "'volumes':[{'name':'bad name'}]"), "Invalid volume name 'bad name'.");
        client(request(APP, "'volumes':[{}]"), "Invalid volume name 'null'.");
        client(
                request(APP, "'volumes':[{'name':'v','host':{},'dockerVolumeConfiguration':{}}]"),
                "Volume 'v' can have only one of");
        client(
                request(
                        APP,
                        "'volumes':[{'name':'v','dockerVolumeConfiguration':{'scope':'task','autoprovision':true}}]"),
                "autoprovision can only be used");
        accepts(request(
                APP,
                "'volumes':[{'name':'v','dockerVolumeConfiguration':{'scope':'shared','autoprovision':true,"
                        + "'driver':'local'}}]"));
    }

    @Test
    void efsVolumeRules() {
        client(
                request(
                        APP,
                        "'volumes':[{'name':'v','efsVolumeConfiguration':{'fileSystemId':'fs-1',"
                                + "'authorizationConfig':{'iam':'ENABLED'}}}]"),
                "transitEncryption must be ENABLED");
        client(
                request(
                        APP,
                        "'volumes':[{'name':'v','efsVolumeConfiguration':{'fileSystemId':'fs-1',"
                                + "'transitEncryption':'ENABLED','rootDirectory':'/data','authorizationConfig':{'accessPointId':'fsap-1'}}}]"),
                "rootDirectory must be omitted or '/'");
        accepts(request(
                APP,
                "'volumes':[{'name':'v','efsVolumeConfiguration':{'fileSystemId':'fs-1',"
                        + "'transitEncryption':'ENABLED','rootDirectory':'/','authorizationConfig':{'accessPointId':'fsap-1',"
                        + "'iam':'ENABLED'}}}]"));
    }

    @Test
    void placementConstraints() {
        String eleven = String.join(",", Collections.nCopies(11, "{'type':'memberOf','expression':'a == b'}"));
        client(request(APP, "'placementConstraints':[" + eleven + "]"), "maximum of 10 placement constraints");
        client(
                request(APP, "'placementConstraints':[{'type':'distinctInstance'}]"),
                "Task definition placement constraints only support the memberOf type");
        client(request(APP, "'placementConstraints':[{'type':'memberOf'}]"), "requires an expression");
        client(
                request(APP, "'placementConstraints':[{'type':'memberOf','expression':'" + "a".repeat(2001) + "'}]"),
                "at most 2000 characters");
        accepts(request(
                APP, "'placementConstraints':[{'type':'memberOf','expression':'attribute:ecs.os-type == linux'}]"));
    }

    @Test
    void placementExpressionHookIsCalled() {
        List<String> seen = new ArrayList<>();
        ObjectNode request = request(APP, "'placementConstraints':[{'type':'memberOf','expression':'bad ==='}]");
        assertThatCode(() -> TaskDefinitionRules.validate(request, e -> {
                    seen.add(e);
                    throw new AwsException("InvalidParameterException", 400, "Invalid expression: " + e);
                }))
                .isInstanceOf(AwsException.class)
                .hasMessage("Invalid expression: bad ===");
        assertThat(seen).containsExactly("bad ===");
    }

    @Test
    void proxyConfiguration() {
        String props = "'properties':[{'name':'IgnoredUID','value':'1337'},{'name':'AppPorts','value':'80'},"
                + "{'name':'ProxyIngressPort','value':'15000'},{'name':'ProxyEgressPort','value':'15001'}]";
        String two = APP + "," + container("envoy", "");
        client(
                request(two, "'proxyConfiguration':{'containerName':'envoy'," + props + "}"),
                "The proxyConfiguration parameter requires networkMode=awsvpc.");
        client(
                request(two, "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'ghost'," + props + "}"),
                "The proxyConfiguration container 'ghost' is not defined");
        client(
                request(
                        two,
                        "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'envoy','properties':["
                                + "{'name':'AppPorts','value':'80'},{'name':'ProxyIngressPort','value':'1'},"
                                + "{'name':'ProxyEgressPort','value':'2'}]}"),
                "IgnoredUID or the IgnoredGID");
        client(
                request(
                        two,
                        "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'envoy','properties':["
                                + "{'name':'Bogus','value':'1'}]}"),
                "Unknown proxyConfiguration property 'Bogus'.");
        client(
                request(
                        two,
                        "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'envoy','properties':["
                                + "{'name':'IgnoredUID','value':'1'}]}"),
                "The proxyConfiguration property 'AppPorts' is required.");
        accepts(request(two, "'networkMode':'awsvpc','proxyConfiguration':{'containerName':'envoy'," + props + "}"));
    }

    @Test
    void ephemeralStorageRange() {
        client(request(APP, "'ephemeralStorage':{'sizeInGiB':20}"), "between 21 and 200 GiB");
        client(request(APP, "'ephemeralStorage':{'sizeInGiB':201}"), "between 21 and 200 GiB");
        accepts(request(APP, "'ephemeralStorage':{'sizeInGiB':21}"));
        accepts(request(APP, "'ephemeralStorage':{'sizeInGiB':200}"));
    }

    @Test
    void windowsPlatformRules() {
        client(
                request(
                        APP,
                        "'runtimePlatform':{'operatingSystemFamily':'WINDOWS_SERVER_2022_CORE',"
                                + "'cpuArchitecture':'ARM64'}"),
                "Windows containers do not support the ARM64 cpuArchitecture.");
        client(
                request(APP, "'runtimePlatform':{'operatingSystemFamily':'WINDOWS_SERVER_2022_CORE'},'pidMode':'task'"),
                "The 'pidMode' parameter is not supported for Windows containers.");
        accepts(request(
                APP,
                "'runtimePlatform':{'operatingSystemFamily':'LINUX','cpuArchitecture':'ARM64'},"
                        + "'pidMode':'host','ipcMode':'none'"));
    }

    @Test
    void inferenceAcceleratorNamesUnique() {
        client(
                request(
                        APP,
                        "'inferenceAccelerators':[{'deviceName':'d','deviceType':'t'},"
                                + "{'deviceName':'d','deviceType':'t'}]"),
                "Inference accelerator device names must be non-empty and unique");
    }
}
