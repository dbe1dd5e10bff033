package dev.berth.ecs.instance;

import dev.berth.ecs.Kinds;
import dev.berth.model.lb.InstanceAddresses;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import java.util.Optional;

/**
 * Resolves an EC2 instance id to the host address of the registered container instance that has it,
 * for load balancer targets of type {@code instance} registered through the ELBv2 API (the
 * model's {@link InstanceAddresses}, which berth-lb asks). Reads the store only, so it exists before
 * the rest of ECS is built.
 */
public final class ContainerInstanceAddresses implements InstanceAddresses {

    private final StateStore store;
    private final Documents docs;

    public ContainerInstanceAddresses(StateStore store, Documents docs) {
        this.store = store;
        this.docs = docs;
    }

    @Override
    public Optional<String> hostAddress(String ec2InstanceId) {
        return store.read(tx -> {
            String after = null;
            while (true) {
                Page page = tx.scan(Kinds.CONTAINER_INSTANCE, "", after, 1000);
                for (Entry e : page.entries()) {
                    StoredContainerInstance ci = docs.read(e, StoredContainerInstance.class);
                    if (ec2InstanceId.equals(ci.ec2InstanceId()) && ci.hostIp() != null) {
                        return Optional.of(ci.hostIp());
                    }
                }
                if (!page.hasMore()) {
                    return Optional.<String>empty();
                }
                after = page.nextKey();
            }
        });
    }
}
