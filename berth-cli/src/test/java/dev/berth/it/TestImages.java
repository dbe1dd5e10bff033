package dev.berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The images and container clean-up integration tests that run tasks need, through the docker
 * CLI: a busybox image built locally ({@code docker import} of a root filesystem holding
 * /bin/busybox and its applets; nothing is pulled from Docker Hub), and removal of every container
 * an agent instance created (Docker label {@code dev.berth.instance}).
 */
final class TestImages {

    static final String BUSYBOX = "berth-it/busybox:1";

    private TestImages() {}

    /** Builds {@link #BUSYBOX} unless Docker already has it; fails (never skips) when Docker is unreachable. */
    static synchronized String busybox() throws Exception {
        if (run("docker", "image", "inspect", BUSYBOX) == 0) {
            return BUSYBOX;
        }
        Path root = Files.createTempDirectory("berth-it-rootfs");
        String script = "set -e; mkdir -p bin tmp etc; cp /bin/busybox bin/busybox; "
                + "for a in $(bin/busybox --list); do [ -e bin/$a ] || ln -s busybox bin/$a; done; "
                + "echo 'root:x:0:0:root:/:/bin/sh' > etc/passwd; echo 'root:x:0:' > etc/group; "
                + "tar -cf ../rootfs.tar . && docker import ../rootfs.tar " + BUSYBOX;
        int rc = new ProcessBuilder("sh", "-c", script)
                .directory(root.toFile())
                .inheritIO()
                .start()
                .waitFor();
        if (rc != 0) {
            throw new AssertionError(
                    "could not build " + BUSYBOX + " (is Docker Engine running? scripts/test starts it)");
        }
        return BUSYBOX;
    }

    /** Removes the containers of one agent instance (id = last part of its container instance ARN). */
    static void removeContainersOf(String instanceId) throws IOException, InterruptedException {
        Process ps =
                new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=dev.berth.instance=" + instanceId).start();
        List<String> ids = new String(ps.getInputStream().readAllBytes())
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
        ps.waitFor(30, TimeUnit.SECONDS);
        for (String id : ids) {
            run("docker", "rm", "-f", id);
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
