package dev.berth.lb.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.uring.IoUring;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.Test;

/** Which event loops application load balancers get: io_uring when asked for and the kernel has it, else Vert.x's transport. */
class PlaneTransportTest {

    @Test
    void ioUringWhenAvailableAndWantedElseTheApisTransport() {
        Vertx vertx = Vertx.vertx();
        try {
            PlaneTransport wanted = PlaneTransport.create((VertxInternal) vertx, 1, true);
            PlaneTransport off = PlaneTransport.create((VertxInternal) vertx, 1, false);
            try {
                assertThat(wanted.bufferRing())
                        .as(
                                "io_uring available: %s",
                                IoUring.isAvailable() ? "yes" : String.valueOf(IoUring.unavailabilityCause()))
                        .isEqualTo(IoUring.isAvailable());
                assertThat(wanted.name().equals("io_uring")).isEqualTo(IoUring.isAvailable());
                assertThat(off.name()).contains("io_uring turned off");
                assertThat(off.bufferRing()).isFalse();
                assertThat(wanted.loops().next()).isNotNull();
            } finally {
                wanted.loops().shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
                off.loops().shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            vertx.close();
        }
    }
}
