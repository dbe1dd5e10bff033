package dev.berth.ecs.task;

import dev.berth.ecs.Kinds;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gives up on the tasks of instances whose agent has been gone too long. Without it a task placed on
 * a machine that died would stay RUNNING forever, holding its group's place and its instance's
 * reservation, and nothing (a person, a future service scheduler) could tell it is lost.
 *
 * <p>An instance is <em>lost</em> when its agent has been disconnected (no poll for the heartbeat
 * timeout) for longer than the lost-instance timeout, i.e. its last poll is older than the sum of
 * both. Every task on it that is not STOPPED yet is marked STOPPED (desired and last status) with
 * stopCode {@value #STOP_CODE} and {@link #REASON}, and gives its reservation back, in one
 * transaction per instance that re-checks the instance under its lock, so a poll that arrives
 * meanwhile wins and a second sweep finds nothing to do. The instance itself stays registered, as in
 * ECS. When its agent comes back, the long-poll no longer lists those tasks and the agent stops any
 * container it still runs for them (see {@code docs/agent-protocol.md}).
 *
 * <p>Run by the server's housekeeping thread; blocks on the store.
 */
public final class LostInstances {

    /** The closest ECS stop code: the task was stopped because of its host, not its containers or a user. */
    public static final String STOP_CODE = "TerminationNotice";

    public static final String REASON =
            "Task stopped because the container instance's agent was disconnected for longer"
                    + " than the lost-instance timeout (%s)";

    private final StateStore store;
    private final Tasks tasks;
    private final ContainerInstances instances;
    private final InstanceNotifier notifier;
    private final Duration timeout;

    public LostInstances(
            StateStore store, Tasks tasks, ContainerInstances instances, InstanceNotifier notifier, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("the lost-instance timeout must not be negative");
        }
        this.store = store;
        this.tasks = tasks;
        this.instances = instances;
        this.notifier = notifier;
        this.timeout = timeout;
    }

    private volatile java.util.function.Consumer<String> onLost = cluster -> {};

    /** Told after commit about each cluster where a lost instance's tasks were stopped (the service scheduler). */
    public void onLost(java.util.function.Consumer<String> listener) {
        this.onLost = listener;
    }

    /** A duration as people write it in a reason: "5 min", "90 s". */
    static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s > 0 ? s / 60 + " min" : s + " s";
    }

    public Duration timeout() {
        return timeout;
    }

    /** How often the sweep should run: a fifth of the timeout, between 1 and 30 seconds. */
    public Duration sweepInterval() {
        return Duration.ofMillis(Math.max(1000, Math.min(30_000, timeout.toMillis() / 5)));
    }

    private boolean lost(StoredContainerInstance ci, long now) {
        return now - ci.lastSeenMillis() > instances.heartbeatTimeout().toMillis() + timeout.toMillis();
    }

    /** Stops the tasks of every lost instance; returns how many tasks it stopped. */
    public int sweep() {
        long now = instances.clock().millis();
        List<StoredContainerInstance> candidates = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, Kinds.CONTAINER_INSTANCE, "", e -> {
                StoredContainerInstance ci = instances.docs().read(e, StoredContainerInstance.class);
                if (lost(ci, now) && ci.runningTasksCount() + ci.pendingTasksCount() > 0) {
                    candidates.add(ci);
                }
            });
            return null;
        });
        int stopped = 0;
        for (StoredContainerInstance c : candidates) {
            int n = store.transact(tx -> {
                Optional<StoredContainerInstance> locked = instances.lockRegistered(tx, c.cluster(), c.id());
                long at = instances.clock().millis();
                if (locked.isEmpty() || !lost(locked.get(), at)) {
                    return 0;
                }
                StoredContainerInstance ci = locked.get();
                String reason = REASON.formatted(describe(timeout));
                int count = 0;
                for (StoredTask t : tasks.liveOn(tx, ci.cluster(), ci.id())) {
                    StoredTask before = tasks.lock(tx, t.cluster(), t.id()).orElse(t);
                    if (before.lastStatus() == TaskLifecycle.STOPPED) {
                        continue;
                    }
                    ci = tasks.write(tx, ci, before, before.stoppedWithoutAgent(STOP_CODE, reason, at), true);
                    count++;
                }
                instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci);
                return count;
            });
            if (n > 0) {
                notifier.changed(c.key());
                onLost.accept(c.cluster());
            }
            stopped += n;
        }
        return stopped;
    }
}
