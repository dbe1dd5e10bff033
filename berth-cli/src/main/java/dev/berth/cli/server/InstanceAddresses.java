package dev.berth.cli.server;

import dev.berth.control.Kinds;
import dev.berth.control.ecs.instance.StoredContainerInstance;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves an EC2 instance id to the host address of the registered container instance that has it,
 * for load balancer targets of type {@code instance} registered through the ELBv2 API. Lives in
 * the CLI because only it may see both berth-control (the instances) and berth-lb (the targets).
 */
final class InstanceAddresses implements Function<String, Optional<String>> {

    private final StateStore store;
    private final Documents docs;

    InstanceAddresses(StateStore store, Documents docs) {
        this.store = store;
        this.docs = docs;
    }

    @Override
    public Optional<String> apply(String ec2InstanceId) {
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
