package dev.berth.ecs.instance;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the agent long-polls waiting on one container instance when its desired state changes.
 *
 * <p>A waiter is a {@link CompletableFuture}, not a thread: a long-poll registers one, and the HTTP
 * layer completes the response when the future completes or its timer fires. Writers call
 * {@link #changed} after their transaction has committed, so a woken poll always reads the new state.
 * To close the race between a poll's read and its registration, polls {@link #await register} first
 * and read afterwards.
 *
 * <p>Scope: one process. An agent polling server A is not woken by a change made through server B
 * (shared PostgreSQL store); it sees the change when its poll times out, at most one wait later.
 */
public final class InstanceNotifier {

    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

    /** A future completed at the next {@link #changed} of {@code instanceKey}. */
    public CompletableFuture<Void> await(String instanceKey) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(instanceKey, k -> ConcurrentHashMap.newKeySet()).add(f);
        return f;
    }

    /** Forgets a waiter whose poll ended for another reason (timeout, answered at once, closed connection). */
    public void cancel(String instanceKey, CompletableFuture<Void> f) {
        waiters.computeIfPresent(instanceKey, (k, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }

    /** Completes every waiter of {@code instanceKey}. */
    public void changed(String instanceKey) {
        Set<CompletableFuture<Void>> set = waiters.remove(instanceKey);
        if (set != null) {
            set.forEach(f -> f.complete(null));
        }
    }

    /** Number of polls waiting (all instances), for tests and health output. */
    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }
}
