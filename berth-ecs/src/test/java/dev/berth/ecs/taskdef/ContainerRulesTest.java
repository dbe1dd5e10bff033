package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.accepts;
import static dev.berth.ecs.taskdef.Requests.client;
import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rules on one container: identity, resources, environment, options. */
class ContainerRulesTest {

    @Test
    void containerNameSyntax() {
        client(request("{'name':'a b','image':'x','memory':64}"), "Container.name contains invalid characters.");
        client(request("{'name':'','image':'x','memory':64}"), "Container.name should not be null or empty.");
        client(request("{'image':'x','memory':64}"), "Container.name should not be null or empty.");
        client(request(container("x".repeat(256), "")), "Container.name should be 255 characters or less.");
        accepts(container("A_b-9" + "x".repeat(250), ""), "");
    }

    @Test
    void imageRequiredAndWellFormed() {
        client(request("{'name':'a','memory':64}"), "Container.image should not be null or empty.");
        client(request("{'name':'a','image':'','memory':64}"), "Container.image should not be null or empty.");
        client(request("{'name':'a','image':'bad image','memory':64}"), "Container.image contains invalid characters.");
        client(
                request("{'name':'a','image':'" + "x".repeat(256) + "','memory':64}"),
                "Container.image should be 255 characters or less.");
        client(
                request("{'name':'a','image':'repo@sha256:abc','memory':64}"),
                "Container.image contains invalid characters.");
        accepts("{'name':'a','image':'127.0.0.1:4566/repo/app:v1.2#x','memory':64}", "");
        accepts("{'name':'a','image':'" + "r".repeat(200) + "@sha256:" + "a".repeat(64) + "','memory':64}", "");
    }

    @Test
    void memoryOrReservationRequiredWithoutTaskMemory() {
        client(
                request("{'name':'app','image':'x'}"),
                "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.");
        accepts("{'name':'app','image':'x','memoryReservation':64}", "");
        accepts("{'name':'app','image':'x'}", "'memory':'512'");
    }

    @Test
    void memoryReservationMustNotExceedMemory() {
        client(
                request(container("app", "'memoryReservation':256")),
                "Invalid 'memoryReservation' setting for container 'app'.");
        accepts(container("app", "'memoryReservation':128"), "");
    }

    @Test
    void containerMemoryAtLeastSixMib() {
        client(request("{'name':'app','image':'x','memory':5}"), "Invalid 'memory' setting for container 'app'.");
        client(
                request("{'name':'app','image':'x','memoryReservation':0}"),
                "Invalid 'memoryReservation' setting for container 'app'.");
        accepts("{'name':'app','image':'x','memory':6}", "");
    }

    @Test
    void containerMemoryNotAboveTaskMemory() {
        client(
                request("{'name':'app','image':'x','memory':1024}", "'memory':'512'"),
                "The 'memory' setting for container 'app' is greater than for the task.");
    }

    @Test
    void negativeCpuRejected() {
        client(request(container("app", "'cpu':-1")), "Invalid 'cpu' setting for container 'app'.");
    }

    @Test
    void environmentNames() {
        client(
                request(container("app", "'environment':[{'name':'','value':'v'}]")),
                "Invalid 'environment' setting for container 'app'.");
        client(
                request(container("app", "'environment':[{'name':'A=B','value':'v'}]")),
                "Invalid 'environment' setting for container 'app'.");
        accepts(container("app", "'environment':[{'name':'A_1','value':''}]"), "");
    }

    @Test
    void environmentFilesCountAndExtension() {
        client(
                request(container("app", "'environmentFiles':[{'value':'arn:aws:s3:::b/f.txt','type':'s3'}]")),
                "Environment files must have a .env file extension.");
        String eleven =
                String.join(",", java.util.Collections.nCopies(11, "{'value':'arn:aws:s3:::b/f.env','type':'s3'}"));
        client(request(container("app", "'environmentFiles':[" + eleven + "]")), "up to 10 environment files");
        accepts(container("app", "'environmentFiles':[{'value':'arn:aws:s3:::b/f.env','type':'s3'}]"), "");
    }

    @Test
    void secretsNeedNameAndValueAndUniqueNames() {
        client(
                request(container("app", "'secrets':[{'name':'A','valueFrom':''}]")),
                "Invalid 'secrets' setting for container 'app'.");
        client(
                request(container("app", "'secrets':[{'name':'A','valueFrom':'p1'},{'name':'A','valueFrom':'p2'}]")),
                "Secret name 'A' is used more than once.");
        accepts(container("app", "'secrets':[{'name':'A','valueFrom':'p1'}]"), "");
    }

    @Test
    void dockerLabelKeysNotEmpty() {
        client(request(container("app", "'dockerLabels':{'':'v'}")), "Docker label keys must not be empty.");
        accepts(container("app", "'dockerLabels':{'com.example':'v'}"), "");
    }

    @Test
    void mountPointsReferenceTaskVolumes() {
        client(
                request(container("app", "'mountPoints':[{'sourceVolume':'data','containerPath':'/d'}]")),
                "The source volume 'data' is not defined");
        client(
                request(container("app", "'mountPoints':[{'sourceVolume':'data'}]"), "'volumes':[{'name':'data'}]"),
                "A mount point needs a containerPath");
        accepts(
                container("app", "'mountPoints':[{'sourceVolume':'data','containerPath':'/d'}]"),
                "'volumes':[{'name':'data'}]");
    }

    @Test
    void hostnameAndExtraHostsNotInAwsvpc() {
        client(
                request(container("app", "'hostname':'h'"), "'networkMode':'awsvpc'"),
                "Invalid 'hostname' setting for container 'app'.");
        client(
                request(
                        container("app", "'extraHosts':[{'hostname':'h','ipAddress':'10.0.0.1'}]"),
                        "'networkMode':'awsvpc'"),
                "Invalid 'extraHosts' setting for container 'app'.");
        accepts(container("app", "'hostname':'h','extraHosts':[{'hostname':'h','ipAddress':'10.0.0.1'}]"), "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:b:c", ":", "a:"})
    void userFormat(String user) {
        client(request(container("app", "'user':'" + user + "'")), "Invalid 'user' setting for container 'app'.");
    }

    @Test
    void userFormatsAccepted() {
        accepts(container("app", "'user':'1000:1000'"), "");
        accepts(container("app", "'user':'nginx'"), "");
    }

    @Test
    void healthCheckCommandAndRanges() {
        client(
                request(container("app", "'healthCheck':{'command':['curl','x']}")),
                "The health check command must start with CMD or CMD-SHELL.");
        client(
                request(container("app", "'healthCheck':{'command':['CMD']}")),
                "Invalid 'healthCheck.command' setting for container 'app'.");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'interval':4}")),
                "Invalid 'healthCheck.interval' setting for container 'app'. The value must be between 5 and 300 seconds.");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'interval':301}")),
                "healthCheck.interval");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'timeout':1}")),
                "healthCheck.timeout");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'timeout':61}")),
                "healthCheck.timeout");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'retries':0}")),
                "healthCheck.retries");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'retries':11}")),
                "healthCheck.retries");
        client(
                request(container("app", "'healthCheck':{'command':['CMD','true'],'startPeriod':301}")),
                "healthCheck.startPeriod");
        accepts(
                container(
                        "app",
                        "'healthCheck':{'command':['CMD','true'],'interval':5,'timeout':60,'retries':10,"
                                + "'startPeriod':0}"),
                "");
        accepts(
                container(
                        "app",
                        "'healthCheck':{'command':['CMD-SHELL','true'],'interval':300,'timeout':2,"
                                + "'retries':1,'startPeriod':300}"),
                "");
    }

    @Test
    void timeoutsNotNegative() {
        client(request(container("app", "'stopTimeout':-1")), "Invalid 'stopTimeout' setting for container 'app'.");
        client(request(container("app", "'startTimeout':-5")), "Invalid 'startTimeout' setting for container 'app'.");
        accepts(container("app", "'stopTimeout':300,'startTimeout':0"), "");
    }

    @Test
    void ulimitsUniqueAndSoftNotAboveHard() {
        client(
                request(container("app", "'ulimits':[{'name':'nofile','softLimit':10,'hardLimit':5}]")),
                "The softLimit of 'nofile' must not be greater than its hardLimit.");
        client(
                request(container(
                        "app",
                        "'ulimits':[{'name':'nofile','softLimit':1,'hardLimit':5},"
                                + "{'name':'nofile','softLimit':1,'hardLimit':5}]")),
                "The ulimit 'nofile' is set more than once.");
        accepts(container("app", "'ulimits':[{'name':'nofile','softLimit':1024,'hardLimit':4096}]"), "");
    }

    @Test
    void awslogsNeedsGroupAndRegion() {
        client(
                request(container("app", "'logConfiguration':{'logDriver':'awslogs'}")),
                "Log driver awslogs requires options: awslogs-region, awslogs-group");
        client(
                request(container(
                        "app", "'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-region':'r'}}")),
                "Log driver awslogs requires options: awslogs-group");
        accepts(
                container(
                        "app",
                        "'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-region':'r',"
                                + "'awslogs-group':'g'}}"),
                "");
    }

    @Test
    void awsfirelensNeedsFirelensContainer() {
        client(
                request(container("app", "'logConfiguration':{'logDriver':'awsfirelens'}")),
                "needs a container with a firelensConfiguration");
        accepts(
                container("app", "'logConfiguration':{'logDriver':'awsfirelens'}") + ","
                        + container("router", "'firelensConfiguration':{'type':'fluentbit'}"),
                "");
    }

    @Test
    void linuxParameters() {
        client(
                request(container("app", "'linuxParameters':{'capabilities':{'add':['NET_FOO']}}")),
                "Unknown kernel capability 'NET_FOO'.");
        client(
                request(container("app", "'linuxParameters':{'swappiness':101}")),
                "Invalid 'linuxParameters.swappiness' setting for container 'app'.");
        client(request(container("app", "'linuxParameters':{'maxSwap':-1}")), "linuxParameters.maxSwap");
        client(
                request(container("app", "'linuxParameters':{'sharedMemorySize':0}")),
                "linuxParameters.sharedMemorySize");
        client(
                request(container("app", "'linuxParameters':{'tmpfs':[{'containerPath':'tmp','size':10}]}")),
                "linuxParameters.tmpfs");
        accepts(
                container(
                        "app",
                        "'linuxParameters':{'capabilities':{'add':['NET_ADMIN'],'drop':['ALL']},"
                                + "'swappiness':0,'maxSwap':0,'sharedMemorySize':64,'tmpfs':[{'containerPath':'/tmp','size':10}],"
                                + "'initProcessEnabled':true}"),
                "");
    }

    @Test
    void resourceRequirements() {
        client(
                request(container("app", "'resourceRequirements':[{'type':'GPU','value':'0'}]")),
                "The GPU value must be a positive whole number.");
        client(
                request(container(
                        "app", "'resourceRequirements':[{'type':'GPU','value':'1'},{'type':'GPU','value':'2'}]")),
                "listed more than once");
        client(
                request(container("app", "'resourceRequirements':[{'type':'InferenceAccelerator','value':'dev1'}]")),
                "The inference accelerator 'dev1' is not defined");
        accepts(
                container(
                        "app",
                        "'resourceRequirements':[{'type':'InferenceAccelerator','value':'dev1'},"
                                + "{'type':'GPU','value':'2'}]"),
                "'inferenceAccelerators':[{'deviceName':'dev1','deviceType':'eia2.medium'}]");
    }

    @Test
    void ipcSystemControlsNotWithHostIpcMode() {
        client(
                request(
                        container("app", "'systemControls':[{'namespace':'kernel.shmmax','value':'1'}]"),
                        "'ipcMode':'host'"),
                "not supported with ipcMode=host");
        accepts(container("app", "'systemControls':[{'namespace':'kernel.shmmax','value':'1'}]"), "'ipcMode':'task'");
        accepts(
                container("app", "'systemControls':[{'namespace':'net.core.somaxconn','value':'1'}]"),
                "'ipcMode':'host'");
    }
}
