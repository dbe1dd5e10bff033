package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.accepts;
import static dev.berth.ecs.taskdef.Requests.client;
import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.request;

import org.junit.jupiter.api.Test;

class PortRulesTest {

    private static String ports(String name, String mappings) {
        return container(name, "'portMappings':[" + mappings + "]");
    }

    @Test
    void awsvpcAndHostRequireMatchingPorts() {
        client(
                request(ports("app", "{'containerPort':80,'hostPort':8080}"), "'networkMode':'awsvpc'"),
                "When networkMode=awsvpc, the host ports and container ports in port mappings must match.");
        client(
                request(ports("app", "{'containerPort':80,'hostPort':8080}"), "'networkMode':'host'"),
                "When networkMode=host, the host ports and container ports in port mappings must match.");
        accepts(ports("app", "{'containerPort':80,'hostPort':80}"), "'networkMode':'awsvpc'");
        accepts(ports("app", "{'containerPort':80,'hostPort':0}"), "'networkMode':'awsvpc'");
        accepts(ports("app", "{'containerPort':80,'hostPort':8080}"), "'networkMode':'bridge'");
    }

    @Test
    void noPortMappingsInNoneMode() {
        client(
                request(ports("app", "{'containerPort':80}"), "'networkMode':'none'"),
                "Port mappings are not supported when networkMode=none");
        accepts(container("app", ""), "'networkMode':'none'");
    }

    @Test
    void portRanges() {
        client(request(ports("app", "{'containerPort':0}")), "Invalid 'containerPort' setting for container 'app'.");
        client(
                request(ports("app", "{'containerPort':65536}")),
                "Invalid 'containerPort' setting for container 'app'.");
        client(request(ports("app", "{'hostPort':80}")), "Invalid 'containerPort' setting for container 'app'.");
        client(
                request(ports("app", "{'containerPort':80,'hostPort':65536}")),
                "Invalid 'hostPort' setting for container 'app'.");
        accepts(ports("app", "{'containerPort':65535,'hostPort':65535},{'containerPort':1}"), "");
    }

    @Test
    void samePortTwiceInOneContainerRejected() {
        client(
                request(ports("app", "{'containerPort':80},{'containerPort':80,'hostPort':8080}")),
                "A port can only be included in one port mapping per container: 80/tcp");
        accepts(ports("app", "{'containerPort':53},{'containerPort':53,'protocol':'udp'}"), "");
    }

    @Test
    void staticHostPortClaimedOnceAcrossTask() {
        client(
                request(ports("a", "{'containerPort':80,'hostPort':8080}") + ","
                        + ports("b", "{'containerPort':81,'hostPort':8080}")),
                "Host port 8080/tcp is mapped more than once");
        client(
                request(
                        ports("a", "{'containerPort':80}") + "," + ports("b", "{'containerPort':80}"),
                        "'networkMode':'awsvpc'"),
                "Host port 80/tcp is mapped more than once in the task (containers 'a' and 'b')");
        accepts(ports("a", "{'containerPort':80}") + "," + ports("b", "{'containerPort':80}"), "");
    }

    @Test
    void containerPortRangeRules() {
        client(
                request(ports("app", "{'containerPortRange':'9000-8000'}")),
                "the first port must be less than the last port");
        client(request(ports("app", "{'containerPortRange':'0-10'}")), "Invalid 'containerPortRange'");
        client(request(ports("app", "{'containerPortRange':'abc'}")), "The range must have the form");
        client(
                request(ports("app", "{'containerPortRange':'8000-8010','containerPort':8000}")),
                "Leave containerPort and hostPort empty");
        client(
                request(ports("app", "{'containerPortRange':'8000-8010'}"), "'networkMode':'host'"),
                "Port ranges are only supported when networkMode is bridge or awsvpc.");
        client(
                request(ports("app", "{'containerPortRange':'8000-8010'},{'containerPort':8005}")),
                "A port can only be included in one port mapping per container: 8005/tcp");
        client(
                request(ports("app", "{'containerPortRange':'8000-8010'},{'containerPortRange':'8010-8020'}")),
                "8010-8020/tcp");
        accepts(ports("app", "{'containerPortRange':'8000-8010'},{'containerPortRange':'8011-8020'}"), "");
    }

    @Test
    void atMostHundredRangesPerContainer() {
        StringBuilder ranges = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            ranges.append(i == 0 ? "" : ",")
                    .append("{'containerPortRange':'")
                    .append(10000 + i * 10)
                    .append('-')
                    .append(10000 + i * 10 + 5)
                    .append("'}");
        }
        client(request(ports("app", ranges.toString())), "maximum of 100 port ranges");
    }

    @Test
    void portNames() {
        client(request(ports("app", "{'containerPort':80,'name':'-web'}")), "Invalid 'portMappings.name'");
        client(request(ports("app", "{'containerPort':80,'name':'Web'}")), "Invalid 'portMappings.name'");
        client(
                request(ports("a", "{'containerPort':80,'name':'web'}") + ","
                        + ports("b", "{'containerPort':81,'name':'web'}")),
                "The port name 'web' is already used in container 'a'.");
        accepts(ports("app", "{'containerPort':80,'name':'web_1-x','appProtocol':'http'}"), "");
    }
}
