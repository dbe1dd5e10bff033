package dev.berth.registry.repo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.registry.RegistryKinds;
import dev.berth.store.Documents;
import dev.berth.store.Transaction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reading, locking, writing and rendering repository documents, shared by every repository
 * operation. It owns the rules that make a name a repository name and a registry id this
 * registry's, so each operation checks them the same way before touching the store.
 *
 * <p>The registry host (the {@code host:port} in every {@code repositoryUri}) is asked for on each
 * render: the server learns its port only once it listens, and a restart on another port must not
 * leave stale URIs in responses.
 */
public final class Repositories {

    /** ECR's repository name rule, anchored (the service model's pattern, which the shape validator only searches for). */
    public static final Pattern NAME =
            Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private final Documents docs;
    private final Platform platform;
    private final Supplier<String> registryHost;

    /**
     * @param registryHost the {@code host:port} docker uses to reach this registry (the front door's endpoint)
     */
    public Repositories(Documents docs, Platform platform, Supplier<String> registryHost) {
        this.docs = docs;
        this.platform = platform;
        this.registryHost = registryHost;
    }

    public Documents docs() {
        return docs;
    }

    public Platform platform() {
        return platform;
    }

    /** This registry's id: the account id. */
    public String registryId() {
        return platform.accountId();
    }

    public String registryHost() {
        return registryHost.get();
    }

    /** Rejects a name that is not an ECR repository name, with ECR's validation message. */
    public static void checkName(String member, String name) {
        if (name == null || !NAME.matcher(name).matches() || name.length() < 2 || name.length() > 256) {
            throw RepositoryErrors.invalidParameter(member, "must satisfy regular expression '" + NAME.pattern() + "'");
        }
    }

    /** The registry a request names (absent = this one); another account's registry holds no repository of ours. */
    public String registryOf(String requested, String name) {
        if (requested != null && !requested.equals(registryId())) {
            throw RepositoryErrors.notFound(requested, name);
        }
        return registryId();
    }

    /** The repository, or RepositoryNotFoundException; checks the name and registry id first. */
    public RepositoryRecord require(Transaction tx, String registryId, String name) {
        checkName("repositoryName", name);
        registryOf(registryId, name);
        return docs.get(tx, RegistryKinds.REPOSITORY, name, RepositoryRecord.class)
                .orElseThrow(() -> RepositoryErrors.notFound(registryId(), name));
    }

    /** Like {@link #require} but locks the document for a read-modify-write. */
    public RepositoryRecord lock(Transaction tx, String registryId, String name) {
        checkName("repositoryName", name);
        registryOf(registryId, name);
        return docs.getForUpdate(tx, RegistryKinds.REPOSITORY, name, RepositoryRecord.class)
                .orElseThrow(() -> RepositoryErrors.notFound(registryId(), name));
    }

    public void put(Transaction tx, RepositoryRecord record) {
        docs.put(tx, RegistryKinds.REPOSITORY, record.repositoryName(), record);
    }

    public String arnOf(String name) {
        return platform.arn("ecr", "repository/" + name).toString();
    }

    public String uriOf(String name) {
        return registryHost() + "/" + name;
    }

    /** The repository a {@code resourceArn} names, or InvalidParameterException when it names none of ours. */
    public String nameFromArn(String text) {
        Arn arn = Arn.parse(text)
                .orElseThrow(() -> RepositoryErrors.invalidParameter(
                        "Invalid parameter at 'resourceArn' " + "failed to satisfy constraint: 'Invalid ARN'"));
        if (!arn.service().equals("ecr")
                || !arn.resourceType().equals("repository")
                || arn.resourceId().isEmpty()
                || !arn.region().equals(platform.region())) {
            throw RepositoryErrors.invalidParameter("Invalid parameter at 'resourceArn' failed to satisfy constraint: "
                    + "'Invalid ARN: " + text + " is not an ECR repository ARN of region " + platform.region() + "'");
        }
        String name = arn.resourceId();
        checkName("resourceArn", name);
        registryOf(arn.account(), name);
        return name;
    }

    /** ECR's {@code Repository} shape. */
    public ObjectNode render(RepositoryRecord r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("repositoryArn", arnOf(r.repositoryName()));
        n.put("registryId", registryId());
        n.put("repositoryName", r.repositoryName());
        n.put("repositoryUri", uriOf(r.repositoryName()));
        if (r.createdAt() != null) {
            n.put("createdAt", r.createdAt().toEpochMilli() / 1000.0);
        }
        n.put("imageTagMutability", r.imageTagMutability() == null ? RepositoryRecord.MUTABLE : r.imageTagMutability());
        if (!r.imageTagMutabilityExclusionFilters().isEmpty()) {
            var filters = n.putArray("imageTagMutabilityExclusionFilters");
            r.imageTagMutabilityExclusionFilters().forEach(f -> filters.addObject()
                    .put("filterType", f.filterType())
                    .put("filter", f.filter()));
        }
        // documents written before a field existed (or by test fixtures) get ECR's defaults
        n.putObject("imageScanningConfiguration")
                .put(
                        "scanOnPush",
                        r.imageScanningConfiguration() != null
                                && r.imageScanningConfiguration().scanOnPush());
        var encryption = r.encryptionConfiguration() != null
                ? r.encryptionConfiguration()
                : new RepositoryRecord.EncryptionConfiguration("AES256", null);
        ObjectNode enc = n.putObject("encryptionConfiguration").put("encryptionType", encryption.encryptionType());
        if (encryption.kmsKey() != null) {
            enc.put("kmsKey", encryption.kmsKey());
        }
        return n;
    }
}
