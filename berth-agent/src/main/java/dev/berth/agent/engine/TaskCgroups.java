package dev.berth.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task-level CPU and memory limits, as the ECS agent enforces them on Linux: a cgroup per task
 * ({@code /berth/<taskId>}) carrying the task's {@code memory} (hard limit) and {@code cpu}
 * (shares), used as the Docker {@code CgroupParent} of every container of the task so the limit
 * bounds their sum. Works with Docker's {@code cgroupfs} driver on cgroup v1 and v2 when the agent
 * may write the cgroup filesystem; otherwise it is unavailable and the engine falls back to giving
 * each container without its own memory limit the task's memory as its limit (logged once).
 *
 * <p>Stateless apart from the root it was built with: the path follows from the task id, so a
 * restarted agent can release the cgroups of the tasks it adopts. Thread-safe.
 */
final class TaskCgroups {
    private static final Logger log = LoggerFactory.getLogger(TaskCgroups.class);
    private static final String PARENT = "berth";
    private static final long MIB = 1024L * 1024L;

    private final Path root;
    private final boolean v2;
    private final boolean available;

    private TaskCgroups(Path root, boolean v2, boolean available) {
        this.root = root;
        this.v2 = v2;
        this.available = available;
    }

    /** Probes the host; {@code dockerCgroupDriver} as {@code docker info} reports it. */
    static TaskCgroups probe(String dockerCgroupDriver) {
        Path root = Path.of("/sys/fs/cgroup");
        boolean v2 = Files.exists(root.resolve("cgroup.controllers"));
        boolean writable = Files.isWritable(v2 ? root : root.resolve("memory"))
                || Files.isDirectory(
                        v2 ? root.resolve(PARENT) : root.resolve("memory").resolve(PARENT));
        boolean available = "cgroupfs".equals(dockerCgroupDriver) && writable;
        if (!available) {
            log.info(
                    "task-level cgroups unavailable (docker cgroup driver {}, {} writable: {}); "
                            + "task memory becomes each container's default limit",
                    dockerCgroupDriver,
                    root,
                    writable);
        }
        return new TaskCgroups(root, v2, available);
    }

    /** A disabled instance (for tests and hosts without cgroup access). */
    static TaskCgroups disabled() {
        return new TaskCgroups(Path.of("/nonexistent"), false, false);
    }

    boolean available() {
        return available;
    }

    /**
     * Creates the task's cgroup with its limits; returns the CgroupParent to give its containers,
     * or empty when the task has no task-level limits or cgroups are unavailable.
     */
    Optional<String> create(TaskSpec task) {
        if (!available || (task.cpu() == null && task.memory() == null)) {
            return Optional.empty();
        }
        try {
            if (v2) {
                Path parent = root.resolve(PARENT);
                Files.createDirectories(parent);
                enable(root);
                enable(parent);
                Path dir = Files.createDirectories(parent.resolve(task.taskId()));
                if (task.memory() != null) {
                    Files.writeString(dir.resolve("memory.max"), Long.toString(task.memory() * MIB));
                }
                if (task.cpu() != null) {
                    // cgroup v2 weight 1..10000 from shares 2..262144, as runc converts them
                    long weight = 1 + ((Math.max(2, task.cpu()) - 2) * 9999L) / 262142;
                    Files.writeString(dir.resolve("cpu.weight"), Long.toString(weight));
                }
            } else {
                if (task.memory() != null) {
                    Path dir = Files.createDirectories(
                            root.resolve("memory").resolve(PARENT).resolve(task.taskId()));
                    Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(task.memory() * MIB));
                }
                if (task.cpu() != null) {
                    Path dir = Files.createDirectories(
                            root.resolve("cpu").resolve(PARENT).resolve(task.taskId()));
                    Files.writeString(dir.resolve("cpu.shares"), Integer.toString(Math.max(2, task.cpu())));
                }
            }
            return Optional.of("/" + PARENT + "/" + task.taskId());
        } catch (IOException e) {
            log.warn(
                    "task {}: could not create its cgroup, containers run without task-level limits: {}",
                    task.taskArn(),
                    e.toString());
            return Optional.empty();
        }
    }

    private static void enable(Path dir) throws IOException {
        Files.writeString(dir.resolve("cgroup.subtree_control"), "+memory +cpu");
    }

    /** Removes the task's cgroup once its containers are gone (best effort). */
    void release(TaskSpec task) {
        if (!available) {
            return;
        }
        if (v2) {
            remove(task, root.resolve(PARENT).resolve(task.taskId()));
            return;
        }
        // Docker created /berth/<taskId> in every v1 hierarchy it uses, not only memory and cpu
        try (var hierarchies = Files.list(root)) {
            hierarchies.forEach(h -> remove(task, h.resolve(PARENT).resolve(task.taskId())));
        } catch (IOException e) {
            log.debug("task {}: cgroups not listed: {}", task.taskArn(), e.toString());
        }
    }

    private static void remove(TaskSpec task, Path dir) {
        try {
            Files.deleteIfExists(dir); // rmdir: allowed on a cgroup without tasks or children
        } catch (IOException e) {
            log.debug("task {}: cgroup {} not removed: {}", task.taskArn(), dir, e.toString());
        }
    }

    /** Where the task's memory limit lives (for tests and diagnostics). */
    Path memoryLimitFile(TaskSpec task) {
        return v2
                ? root.resolve(PARENT).resolve(task.taskId()).resolve("memory.max")
                : root.resolve("memory").resolve(PARENT).resolve(task.taskId()).resolve("memory.limit_in_bytes");
    }
}
