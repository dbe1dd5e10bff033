package dev.berth.agent.engine;

import static dev.berth.agent.engine.ImagePullBehavior.Plan.PULL;
import static dev.berth.agent.engine.ImagePullBehavior.Plan.PULL_OR_USE_CACHE;
import static dev.berth.agent.engine.ImagePullBehavior.Plan.USE_CACHE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ECS image pull behaviours, every input combination, plus image reference parsing. */
class ImagePullBehaviorTest {

    @Test
    void everyBehaviourForEveryCacheState() {
        // {cached, pulledBefore}: ff, ft, tf, tt
        expect(ImagePullBehavior.DEFAULT, PULL, PULL, PULL_OR_USE_CACHE, PULL_OR_USE_CACHE);
        expect(ImagePullBehavior.ALWAYS, PULL, PULL, PULL, PULL);
        expect(ImagePullBehavior.ONCE, PULL, PULL, PULL, USE_CACHE);
        expect(ImagePullBehavior.PREFER_CACHED, PULL, PULL, USE_CACHE, USE_CACHE);
    }

    private static void expect(
            ImagePullBehavior b,
            ImagePullBehavior.Plan ff,
            ImagePullBehavior.Plan ft,
            ImagePullBehavior.Plan tf,
            ImagePullBehavior.Plan tt) {
        assertThat(b.plan(false, false)).as(b + " uncached").isEqualTo(ff);
        assertThat(b.plan(false, true))
                .as(b + " uncached, pulled before (removed since)")
                .isEqualTo(ft);
        assertThat(b.plan(true, false)).as(b + " cached, never pulled").isEqualTo(tf);
        assertThat(b.plan(true, true)).as(b + " cached, pulled before").isEqualTo(tt);
    }

    @Test
    void imageReferencesSplitIntoRepositoryTagAndRegistry() {
        assertThat(ImageRef.parse("busybox")).isEqualTo(new ImageRef("busybox", "latest", null));
        assertThat(ImageRef.parse("berth-test/busybox:1")).isEqualTo(new ImageRef("berth-test/busybox", "1", null));
        assertThat(ImageRef.parse("127.0.0.1:4566/team/app"))
                .isEqualTo(new ImageRef("127.0.0.1:4566/team/app", "latest", "127.0.0.1:4566"));
        assertThat(ImageRef.parse("registry.example.com/app:v2"))
                .isEqualTo(new ImageRef("registry.example.com/app", "v2", "registry.example.com"));
        assertThat(ImageRef.parse("localhost/app@sha256:abc"))
                .isEqualTo(new ImageRef("localhost/app", "sha256:abc", "localhost"));
    }
}
