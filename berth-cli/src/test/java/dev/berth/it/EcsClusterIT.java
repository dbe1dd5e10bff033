package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;
import software.amazon.awssdk.services.ecs.model.Tag;

/** ECS cluster operations end to end: a real server, the AWS SDK for Java v2 ECS client. */
class EcsClusterIT extends WithServer {

    static EcsClient ecs;

    @BeforeAll
    static void clients() {
        ecs = server.ecs();
    }

    @AfterAll
    static void closeClients() {
        ecs.close();
    }

    @Test
    void createDescribeAndDeleteACluster() {
        Cluster created = ecs.createCluster(r -> r.clusterName("demo")
                        .tags(Tag.builder().key("team").value("web").build())
                        .settings(s ->
                                s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("enabled")))
                .cluster();
        assertThat(created.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/demo");
        assertThat(created.status()).isEqualTo("ACTIVE");
        assertThat(created.settings()).singleElement().satisfies(s -> assertThat(s.value())
                .isEqualTo("enabled"));
        assertThat(created.tags()).extracting(Tag::key).containsExactly("team");

        DescribeClustersResponse plain = ecs.describeClusters(r -> r.clusters("demo", "nope"));
        assertThat(plain.clusters()).singleElement().satisfies(c -> {
            assertThat(c.clusterName()).isEqualTo("demo");
            assertThat(c.tags()).isEmpty();
            assertThat(c.registeredContainerInstancesCount()).isZero();
            assertThat(c.activeServicesCount()).isZero();
        });
        assertThat(plain.failures()).singleElement().satisfies(f -> {
            assertThat(f.arn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/nope");
            assertThat(f.reason()).isEqualTo("MISSING");
        });

        Cluster full = ecs.describeClusters(r -> r.clusters(created.clusterArn())
                        .include(ClusterField.TAGS, ClusterField.SETTINGS, ClusterField.STATISTICS))
                .clusters()
                .getFirst();
        assertThat(full.tags()).extracting(Tag::value).containsExactly("web");
        assertThat(full.settings()).isNotEmpty();
        assertThat(full.statistics())
                .extracting(s -> s.name())
                .contains("runningEC2TasksCount", "activeFargateServiceCount");

        Cluster deleted = ecs.deleteCluster(r -> r.cluster("demo")).cluster();
        assertThat(deleted.status()).isEqualTo("INACTIVE");
        assertThat(ecs.describeClusters(r -> r.clusters("demo"))
                        .clusters()
                        .getFirst()
                        .status())
                .isEqualTo("INACTIVE");
        assertThat(ecs.listClusters(r -> {}).clusterArns()).doesNotContain(created.clusterArn());
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster("demo")))
                .isInstanceOf(ClusterNotFoundException.class)
                .hasMessageContaining("Cluster not found.");
    }

    @Test
    void createClusterIsIdempotentAndDefaultsToTheDefaultCluster() {
        Cluster first = ecs.createCluster(r -> r.clusterName("same")).cluster();
        Cluster again = ecs.createCluster(r -> r.clusterName("same")).cluster();
        assertThat(again.clusterArn()).isEqualTo(first.clusterArn());

        Cluster dflt = ecs.createCluster(r -> {}).cluster();
        assertThat(dflt.clusterName()).isEqualTo("default");
        assertThat(ecs.describeClusters(r -> {}).clusters())
                .extracting(Cluster::clusterName)
                .containsExactly("default");
    }

    @Test
    void listClustersPaginates() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String n = "page-" + i;
            names.add("arn:aws:ecs:us-east-1:000000000000:cluster/" + n);
            ecs.createCluster(r -> r.clusterName(n));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListClustersResponse page = ecs.listClusters(r -> r.maxResults(3).nextToken(t));
            assertThat(page.clusterArns().size()).isLessThanOrEqualTo(3);
            seen.addAll(page.clusterArns());
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(seen).containsAll(names).doesNotHaveDuplicates();
        assertThat(ecs.listClustersPaginator(r -> r.maxResults(2)).clusterArns().stream()
                        .toList())
                .containsAll(names);
        assertThatThrownBy(() -> ecs.listClusters(r -> r.nextToken("garbage")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.listClusters(r -> r.maxResults(101)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void updateClusterSettingsReplacesBySettingName() {
        ecs.createCluster(r -> r.clusterName("settings"));
        Cluster updated = ecs.updateClusterSettings(
                        r -> r.cluster("settings").settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enhanced")))
                .cluster();
        assertThat(updated.settings()).singleElement().satisfies(s -> assertThat(s.value())
                .isEqualTo("enhanced"));
        assertThatThrownBy(() -> ecs.updateClusterSettings(
                        r -> r.cluster("settings").settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("sometimes"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("containerInsights");
        Cluster viaUpdate = ecs.updateCluster(r -> r.cluster("settings")
                        .configuration(c -> c.executeCommandConfiguration(e -> e.logging("DEFAULT"))))
                .cluster();
        assertThat(viaUpdate.configuration().executeCommandConfiguration().loggingAsString())
                .isEqualTo("DEFAULT");
        assertThatThrownBy(() -> ecs.updateClusterSettings(
                        r -> r.cluster("missing").settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS)
                                .value("enabled"))))
                .isInstanceOf(ClusterNotFoundException.class);
    }

    @Test
    void capacityProvidersAreCheckedAndStored() {
        Cluster c = ecs.createCluster(r -> r.clusterName("cp")
                        .capacityProviders("FARGATE", "FARGATE_SPOT")
                        .defaultCapacityProviderStrategy(
                                s -> s.capacityProvider("FARGATE").weight(1).base(1)))
                .cluster();
        assertThat(c.capacityProviders()).containsExactly("FARGATE", "FARGATE_SPOT");
        assertThat(c.defaultCapacityProviderStrategy()).singleElement().satisfies(s -> assertThat(s.base())
                .isEqualTo(1));
        assertThatThrownBy(() -> ecs.putClusterCapacityProviders(r -> r.cluster("cp")
                        .capacityProviders("FARGATE")
                        .defaultCapacityProviderStrategy(
                                s -> s.capacityProvider("FARGATE_SPOT").weight(1))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("not associated with the cluster");
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("cp2").capacityProviders("MY_ASG")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("MY_ASG");
    }

    @Test
    void invalidNamesAndReservedTagsAreRejected() {
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("bad name!")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Cluster name");
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("x".repeat(256))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("tagged")
                        .tags(Tag.builder().key("aws:owner").value("x").build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("aws:");
        assertThat(ecs.describeClusters(r -> r.clusters("tagged")).failures()).hasSize(1);
    }
}
