package dev.berth.ecs.taskdef;

import static dev.berth.ecs.taskdef.Requests.accepts;
import static dev.berth.ecs.taskdef.Requests.client;
import static dev.berth.ecs.taskdef.Requests.container;
import static dev.berth.ecs.taskdef.Requests.request;

import org.junit.jupiter.api.Test;

class ContainerReferencesTest {

    private static String dependsOn(String name, String target, String condition, String extra) {
        return container(
                name,
                "'dependsOn':[{'containerName':'" + target + "','condition':'" + condition + "'}]"
                        + (extra.isEmpty() ? "" : "," + extra));
    }

    @Test
    void dependsOnUnknownContainer() {
        client(
                request(dependsOn("a", "ghost", "START", "")),
                "Invalid 'dependsOn' setting for container 'a'. The container 'ghost' is not defined");
    }

    @Test
    void dependsOnCycleIsNamed() {
        client(
                request(dependsOn("a", "b", "START", "") + "," + dependsOn("b", "a", "START", "")),
                "Container dependencies should not have a cycle: a -> b -> a");
        client(request(dependsOn("a", "a", "START", "")), "Container dependencies should not have a cycle: a -> a");
        client(
                request(dependsOn("a", "b", "START", "") + "," + dependsOn("b", "c", "START", "") + ","
                        + dependsOn("c", "a", "START", "")),
                "a -> b -> c -> a");
    }

    @Test
    void cycleThroughMixedReferences() {
        client(
                request(container("a", "'links':['b']") + "," + dependsOn("b", "c", "START", "") + ","
                        + container("c", "'volumesFrom':[{'sourceContainer':'a'}]")),
                "Container dependencies should not have a cycle: a -> b -> c -> a");
    }

    @Test
    void successOrCompleteCannotTargetEssentialContainer() {
        client(
                request(dependsOn("app", "init", "SUCCESS", "") + "," + container("init", "")),
                "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container");
        client(
                request(dependsOn("app", "init", "COMPLETE", "") + "," + container("init", "'essential':true")),
                "cannot be an essential container");
        accepts(dependsOn("app", "init", "SUCCESS", "") + "," + container("init", "'essential':false"), "");
    }

    @Test
    void healthyNeedsHealthCheck() {
        client(
                request(dependsOn("app", "db", "HEALTHY", "") + "," + container("db", "")),
                "The HEALTHY condition requires container 'db' to have a healthCheck.");
        accepts(
                dependsOn("app", "db", "HEALTHY", "") + ","
                        + container("db", "'healthCheck':{'command':['CMD','true']}"),
                "");
    }

    @Test
    void linksOnlyInBridgeModeAndToKnownContainers() {
        client(
                request(container("a", "'links':['b']") + "," + container("b", ""), "'networkMode':'awsvpc'"),
                "Links are not supported when networkMode=awsvpc.");
        client(request(container("a", "'links':['ghost']")), "The container 'ghost' is not defined");
        client(request(container("a", "'links':['a']")), "A container cannot refer to itself.");
        client(
                request(container("a", "'links':['b:x:y']") + "," + container("b", "")),
                "Invalid 'links' setting for container 'a'.");
        accepts(container("a", "'links':['b:db']") + "," + container("b", ""), "");
    }

    @Test
    void linkCycleUsesEcsMessage() {
        client(
                request(container("a", "'links':['b']") + "," + container("b", "'links':['a']")),
                "Container links should not have a cycle: a -> b -> a");
    }

    @Test
    void volumesFromReferencesOtherContainer() {
        client(
                request(container("a", "'volumesFrom':[{'sourceContainer':'ghost'}]")),
                "Invalid 'volumesFrom' setting for container 'a'. The container 'ghost' is not defined");
        client(
                request(container("a", "'volumesFrom':[{'sourceContainer':'a'}]")),
                "A container cannot refer to itself.");
        accepts(
                container("a", "'volumesFrom':[{'sourceContainer':'b','readOnly':true}]") + "," + container("b", ""),
                "");
    }
}
