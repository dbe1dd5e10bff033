package dev.berth.lb.config;

import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The configuration of every load balancer, target group, listener and rule: durable in the state
 * store, and mirrored in memory because the data plane and the Describe calls read it constantly.
 *
 * <p>Threading: every change runs inside {@link #change}, which holds this object's lock, so a
 * validation and the write that depends on it see the same state (no two CreateListener calls can
 * both take port 80). A change writes all its documents in one store transaction and updates the
 * memory only after the commit, so a failed write leaves neither half changed. After each change
 * the new immutable {@link Snapshot} goes to the data plane, which reconciles its servers and pools
 * with it. Readers take {@link #snapshot()} without locking.
 *
 * <p>One Berth process owns the load balancers of its store: the memory is loaded once at start-up.
 */
public final class ElbState {

    static final String LB = "elb-lb";
    static final String TG = "elb-tg";
    static final String LISTENER = "elb-listener";
    static final String RULE = "elb-rule";

    /** An immutable view of the whole configuration, in creation order. */
    public record Snapshot(
            Map<String, LoadBalancerConf> loadBalancers,
            Map<String, TargetGroupConf> targetGroups,
            Map<String, ListenerConf> listeners,
            Map<String, RuleConf> rules) {

        public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());

        public List<ListenerConf> listenersOf(String lbArn) {
            return listeners.values().stream()
                    .filter(l -> l.loadBalancerArn().equals(lbArn))
                    .toList();
        }

        public List<RuleConf> rulesOf(String listenerArn) {
            return rules.values().stream()
                    .filter(r -> r.listenerArn().equals(listenerArn))
                    .sorted(java.util.Comparator.comparingInt(RuleConf::priority))
                    .toList();
        }
    }

    /** The documents one change writes and removes. */
    public static final class Writes {
        private final List<Object> puts = new ArrayList<>();
        private final List<Object> deletes = new ArrayList<>();

        public Writes put(Object conf) {
            puts.add(conf);
            return this;
        }

        public Writes delete(Object conf) {
            deletes.add(conf);
            return this;
        }
    }

    private final StateStore store;
    private final Documents docs;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile Consumer<Snapshot> onChange = s -> {};

    public ElbState(StateStore store, Documents docs) {
        this.store = store;
        this.docs = docs;
        load();
    }

    public void onChange(Consumer<Snapshot> listener) {
        this.onChange = listener;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Runs {@code work} under the lock; the {@link Writes} it fills are committed in one transaction
     * and then applied to memory. Its result is returned after the data plane saw the new snapshot.
     */
    public <T> T change(java.util.function.Function<Writes, T> work) {
        Snapshot next;
        T result;
        synchronized (this) {
            Writes w = new Writes();
            result = work.apply(w);
            if (w.puts.isEmpty() && w.deletes.isEmpty()) {
                return result;
            }
            store.transact(tx -> {
                for (Object d : w.deletes) {
                    tx.delete(kind(d), arn(d));
                }
                for (Object p : w.puts) {
                    docs.put(tx, kind(p), arn(p), p);
                }
                return null;
            });
            Map<String, LoadBalancerConf> lbs = new LinkedHashMap<>(snapshot.loadBalancers());
            Map<String, TargetGroupConf> tgs = new LinkedHashMap<>(snapshot.targetGroups());
            Map<String, ListenerConf> ls = new LinkedHashMap<>(snapshot.listeners());
            Map<String, RuleConf> rs = new LinkedHashMap<>(snapshot.rules());
            for (Object d : w.deletes) {
                switch (d) {
                    case LoadBalancerConf c -> lbs.remove(c.arn());
                    case TargetGroupConf c -> tgs.remove(c.arn());
                    case ListenerConf c -> ls.remove(c.arn());
                    case RuleConf c -> rs.remove(c.arn());
                    default -> throw new IllegalArgumentException(d.getClass().getName());
                }
            }
            for (Object p : w.puts) {
                switch (p) {
                    case LoadBalancerConf c -> lbs.put(c.arn(), c);
                    case TargetGroupConf c -> tgs.put(c.arn(), c);
                    case ListenerConf c -> ls.put(c.arn(), c);
                    case RuleConf c -> rs.put(c.arn(), c);
                    default -> throw new IllegalArgumentException(p.getClass().getName());
                }
            }
            next = new Snapshot(
                    Collections.unmodifiableMap(lbs),
                    Collections.unmodifiableMap(tgs),
                    Collections.unmodifiableMap(ls),
                    Collections.unmodifiableMap(rs));
            snapshot = next;
            onChange.accept(next);
        }
        return result;
    }

    /** Runs {@code work} under the lock without writing (for reads that must not race a change). */
    public synchronized <T> T locked(Supplier<T> work) {
        return work.get();
    }

    public Optional<LoadBalancerConf> loadBalancer(String arn) {
        return Optional.ofNullable(snapshot.loadBalancers().get(arn));
    }

    public Optional<TargetGroupConf> targetGroup(String arn) {
        return Optional.ofNullable(snapshot.targetGroups().get(arn));
    }

    private void load() {
        Map<String, LoadBalancerConf> lbs = new LinkedHashMap<>();
        Map<String, TargetGroupConf> tgs = new LinkedHashMap<>();
        Map<String, ListenerConf> ls = new LinkedHashMap<>();
        Map<String, RuleConf> rs = new LinkedHashMap<>();
        readAll(LB, LoadBalancerConf.class).stream()
                .sorted(java.util.Comparator.comparingLong(LoadBalancerConf::createdMillis))
                .forEach(c -> lbs.put(c.arn(), c));
        readAll(TG, TargetGroupConf.class).forEach(c -> tgs.put(c.arn(), c));
        readAll(LISTENER, ListenerConf.class).forEach(c -> ls.put(c.arn(), c));
        readAll(RULE, RuleConf.class).forEach(c -> rs.put(c.arn(), c));
        snapshot = new Snapshot(
                Collections.unmodifiableMap(lbs),
                Collections.unmodifiableMap(tgs),
                Collections.unmodifiableMap(ls),
                Collections.unmodifiableMap(rs));
    }

    private <T> List<T> readAll(String kind, Class<T> type) {
        return store.read(tx -> {
            List<T> out = new ArrayList<>();
            String after = null;
            while (true) {
                Page page = tx.scan(kind, "", after, 1000);
                for (Entry e : page.entries()) {
                    out.add(docs.read(e, type));
                }
                if (!page.hasMore()) {
                    return out;
                }
                after = page.nextKey();
            }
        });
    }

    private static String kind(Object conf) {
        return switch (conf) {
            case LoadBalancerConf c -> LB;
            case TargetGroupConf c -> TG;
            case ListenerConf c -> LISTENER;
            case RuleConf c -> RULE;
            default -> throw new IllegalArgumentException(conf.getClass().getName());
        };
    }

    private static String arn(Object conf) {
        return switch (conf) {
            case LoadBalancerConf c -> c.arn();
            case TargetGroupConf c -> c.arn();
            case ListenerConf c -> c.arn();
            case RuleConf c -> c.arn();
            default -> throw new IllegalArgumentException(conf.getClass().getName());
        };
    }
}
