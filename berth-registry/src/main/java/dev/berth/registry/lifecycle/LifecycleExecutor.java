package dev.berth.registry.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.repo.RepositoryRecord;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs lifecycle policies for real: for one repository, in one transaction that locks the
 * repository document, it reads the images from the {@link ImageCatalog}, evaluates the policy
 * with {@link LifecycleEvaluator} (the same function the preview uses), expires what the
 * evaluation says, and records {@code lastEvaluatedAt}. The server calls {@link #runAll} on a
 * schedule and {@link #run} on demand (after PutLifecyclePolicy).
 *
 * <p>Thread-safety: stateless apart from its collaborators; concurrent runs for the same
 * repository serialize on the repository's row lock, and the second evaluates what the first left.
 */
public final class LifecycleExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleExecutor.class);

    private final StateStore store;
    private final Documents docs;
    private final ImageCatalog catalog;
    private final Clock clock;

    public LifecycleExecutor(StateStore store, Documents docs, ImageCatalog catalog, Clock clock) {
        this.store = store;
        this.docs = docs;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Runs the repository's lifecycle policy now; returns what it expired (empty without a policy or repository). */
    public List<LifecycleEvaluator.Expiry> run(String repository) {
        ObjectMapper mapper = docs.mapper();
        return store.transact(tx -> {
            var found = docs.getForUpdate(tx, RegistryKinds.REPOSITORY, repository, RepositoryRecord.class);
            if (found.isEmpty() || found.get().lifecyclePolicyText() == null) {
                return List.<LifecycleEvaluator.Expiry>of();
            }
            RepositoryRecord r = found.get();
            Instant now = clock.instant();
            LifecyclePolicy policy = LifecyclePolicyParser.parse(mapper, r.lifecyclePolicyText());
            List<LifecycleEvaluator.Expiry> expired =
                    LifecycleEvaluator.evaluate(policy, catalog.images(tx, repository), now);
            if (!expired.isEmpty()) {
                catalog.expire(
                        tx,
                        repository,
                        expired.stream().map(e -> e.image().digest()).toList());
            }
            docs.put(tx, RegistryKinds.REPOSITORY, repository, r.withLifecycleEvaluatedAt(now));
            return expired;
        });
    }

    /** Runs every repository's policy, one repository per transaction; returns how many images were expired. */
    public int runAll() {
        List<String> withPolicy = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, RegistryKinds.REPOSITORY, "", e -> {
                if (docs.read(e, RepositoryRecord.class).lifecyclePolicyText() != null) {
                    withPolicy.add(e.key());
                }
            });
            return null;
        });
        int total = 0;
        for (String repository : withPolicy) {
            try {
                List<LifecycleEvaluator.Expiry> expired = run(repository);
                if (!expired.isEmpty()) {
                    LOG.info("lifecycle policy of {} expired {} images", repository, expired.size());
                }
                total += expired.size();
            } catch (RuntimeException e) {
                LOG.warn("lifecycle policy of {} failed: {}", repository, e.toString());
            }
        }
        return total;
    }
}
