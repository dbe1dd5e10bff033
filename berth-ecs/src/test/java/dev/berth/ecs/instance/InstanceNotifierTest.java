package dev.berth.ecs.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InstanceNotifierTest {

    @Test
    void changeCompletesOnlyThatInstancesWaiters() {
        InstanceNotifier n = new InstanceNotifier();
        CompletableFuture<Void> a1 = n.await("c/a");
        CompletableFuture<Void> a2 = n.await("c/a");
        CompletableFuture<Void> b = n.await("c/b");
        assertThat(n.waiting()).isEqualTo(3);
        n.changed("c/a");
        assertThat(a1).isCompleted();
        assertThat(a2).isCompleted();
        assertThat(b).isNotCompleted();
        assertThat(n.waiting()).isEqualTo(1);
        CompletableFuture<Void> later = n.await("c/a");
        assertThat(later)
                .as("a waiter registered after a change waits for the next one")
                .isNotCompleted();
    }

    @Test
    void cancelledWaitersAreForgotten() {
        InstanceNotifier n = new InstanceNotifier();
        CompletableFuture<Void> f = n.await("c/a");
        n.cancel("c/a", f);
        assertThat(n.waiting()).isZero();
        n.changed("c/a");
        assertThat(f).isNotCompleted();
    }
}
