package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.accepts;
import static dev.berth.ecs.taskdef.Requests.client;
import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.fargate;
import static dev.berth.ecs.taskdef.Requests.request;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** FARGATE and EXTERNAL requirements, applied when requiresCompatibilities names them. */
class LaunchTypeRulesTest {

    private static final String APP = container("app", "");

    @Test
    void fargateRequiresAwsvpc() {
        client(fargate(APP, "").put("networkMode", "bridge"), "Fargate only supports network mode \u2018awsvpc\u2019.");
        ObjectNode noMode = fargate(APP, "");
        noMode.remove("networkMode");
        client(noMode, "Fargate only supports network mode");
    }

    @Test
    void fargateRequiresTaskCpuAndMemory() {
        ObjectNode noCpu = fargate(APP, "");
        noCpu.remove("cpu");
        client(noCpu, "Fargate requires that 'cpu' be defined at the task level.");
        ObjectNode noMemory = fargate(APP, "");
        noMemory.remove("memory");
        client(noMemory, "Fargate requires that 'memory' be defined at the task level.");
    }

    @Test
    void fargateRequiresTablePair() {
        client(
                fargate(APP, "").put("cpu", "512").put("memory", "512"),
                "No Fargate configuration exists for given values: 512 CPU, 512 memory. "
                        + "See the Amazon ECS documentation for the valid values.");
        client(fargate(APP, "").put("cpu", "16384").put("memory", "131072"), "16384 CPU, 131072 memory");
        accepts(fargate(APP, "").put("cpu", "16 vCPU").put("memory", "120 GB"));
        accepts(fargate(APP, "").put("cpu", "8192").put("memory", "16384"));
    }

    @Test
    void fargateContainersNeedNoMemory() {
        accepts(fargate("{'name':'app','image':'busybox'}", ""));
    }

    @Test
    void fargateRejectsPrivilegedAndHostOnlyFeatures() {
        client(
                fargate(container("app", "'privileged':true"), ""),
                "do not support privileged containers (container 'app')");
        client(
                fargate(container("app", "'linuxParameters':{'devices':[{'hostPath':'/dev/x'}]}"), ""),
                "linuxParameters.devices");
        client(
                fargate(container("app", "'linuxParameters':{'capabilities':{'add':['NET_ADMIN']}}"), ""),
                "adding the NET_ADMIN capability; only SYS_PTRACE");
        accepts(fargate(container("app", "'linuxParameters':{'capabilities':{'add':['SYS_PTRACE']}}"), ""));
        client(fargate(container("app", "'dockerSecurityOptions':['no-new-privileges']"), ""), "dockerSecurityOptions");
        client(fargate(container("app", "'resourceRequirements':[{'type':'GPU','value':'1'}]"), ""), "GPU");
    }

    @Test
    void fargateLogDrivers() {
        client(
                fargate(container("app", "'logConfiguration':{'logDriver':'json-file'}"), ""),
                "the json-file log driver; use awslogs, splunk or awsfirelens");
        accepts(fargate(
                container(
                        "app",
                        "'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-group':'g',"
                                + "'awslogs-region':'us-east-1'}}"),
                "'executionRoleArn':'arn:aws:iam::000000000000:role/e'"));
    }

    @Test
    void fargateExecutionRoleForAwslogsEcrAndSecrets() {
        client(
                fargate(
                        container(
                                "app",
                                "'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-group':'g',"
                                        + "'awslogs-region':'r'}}"),
                        ""),
                "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
        client(
                fargate("{'name':'app','image':'000000000000.dkr.ecr.us-east-1.amazonaws.com/app:1'}", ""),
                "Fargate requires task definition to have execution role ARN to support ECR images.");
        client(
                fargate(container("app", "'secrets':[{'name':'S','valueFrom':'p'}]"), ""),
                "execution role ARN to support secrets.");
    }

    @Test
    void fargatePidIpcAndPlacement() {
        client(fargate(APP, "'ipcMode':'task'"), "Tasks using the Fargate launch type do not support ipcMode.");
        client(fargate(APP, "'pidMode':'host'"), "do not support pidMode 'host'.");
        accepts(fargate(APP, "'pidMode':'task'"));
        client(
                fargate(APP, "'placementConstraints':[{'type':'memberOf','expression':'attribute:a == b'}]"),
                "do not support placementConstraints.");
        accepts(fargate(APP, "'placementConstraints':[]"));
    }

    @Test
    void fargateVolumes() {
        client(
                fargate(APP, "'volumes':[{'name':'v','host':{'sourcePath':'/data'}}]"),
                "host volumes with a sourcePath (volume 'v')");
        client(
                fargate(APP, "'volumes':[{'name':'v','dockerVolumeConfiguration':{'scope':'task'}}]"),
                "dockerVolumeConfiguration (volume 'v')");
        accepts(fargate(APP, "'volumes':[{'name':'v'},{'name':'e','efsVolumeConfiguration':{'fileSystemId':'fs-1'}}]"));
    }

    @Test
    void fargateTimeoutsAtMost120Seconds() {
        client(fargate(container("app", "'stopTimeout':121"), ""), "The maximum stopTimeout on Fargate is 120 seconds");
        accepts(fargate(container("app", "'stopTimeout':120,'startTimeout':120"), ""));
    }

    @Test
    void fargateWindowsNeedsOneVcpu() {
        client(
                fargate(APP, "'runtimePlatform':{'operatingSystemFamily':'WINDOWS_SERVER_2019_CORE'}")
                        .put("cpu", "512")
                        .put("memory", "1024"),
                "The CPU units cannot be less than 1 vCPU when you use Windows containers on Fargate.");
        accepts(fargate(APP, "'runtimePlatform':{'operatingSystemFamily':'WINDOWS_SERVER_2019_CORE'}")
                .put("cpu", "1024")
                .put("memory", "2048"));
    }

    @Test
    void externalRejectsAwsvpcAndProxy() {
        client(
                request(APP, "'requiresCompatibilities':['EXTERNAL'],'networkMode':'awsvpc'"),
                "Tasks using the EXTERNAL launch type do not support networkMode awsvpc.");
        client(
                request(
                        APP,
                        "'requiresCompatibilities':['EXTERNAL'],'volumes':[{'name':'v','efsVolumeConfiguration':"
                                + "{'fileSystemId':'fs-1'}}]"),
                "EFS or FSx volumes (volume 'v')");
        accepts(request(APP, "'requiresCompatibilities':['EXTERNAL','EC2'],'networkMode':'bridge'"));
    }
}
