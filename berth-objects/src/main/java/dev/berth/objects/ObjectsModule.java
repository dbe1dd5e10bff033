package dev.berth.objects;

import dev.berth.model.auth.AccessKeyDirectory;
import dev.berth.model.objects.ObjectReader;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.sigv4.SigV4Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Berth's S3 subset: buckets and objects, with object bytes in files under
 * {@code <data-dir>/objects} (docs/objects.md), served in S3's REST-XML dialect under the signing
 * name {@code s3}.
 *
 * <p>Publishes {@link #reader()} ({@link ObjectReader}: the environment files of starting tasks).
 */
public final class ObjectsModule implements ServiceModule {

    private final ObjectStore objects;
    private final S3Handler s3;
    private final ModuleContext ctx;

    public ObjectsModule(ModuleContext ctx, AccessKeyDirectory keys) {
        this(ctx, id -> keys.find(id).map(AccessKeyDirectory.Key::secretAccessKey), id -> keys.find(id)
                .map(AccessKeyDirectory.Key::accountId));
    }

    /**
     * @param credentials the secrets of access keys, STS session keys included (they must come with
     *     their session token)
     * @param accountOfKey the account of an access key id
     */
    public ObjectsModule(
            ModuleContext ctx,
            dev.berth.protocol.sigv4.CredentialResolver credentials,
            java.util.function.Function<String, java.util.Optional<String>> accountOfKey) {
        this.ctx = ctx;
        this.objects = new ObjectStore(
                ctx.store(),
                ctx.docs(),
                ctx.dataDir().resolve("objects"),
                ctx.clock(),
                ctx.platform().region());
        this.s3 = new S3Handler(
                ctx.vertx(),
                new SigV4Verifier(credentials, ctx.clock(), ctx.platform().region()),
                accountOfKey,
                objects);
    }

    @Override
    public String name() {
        return "objects";
    }

    @Override
    public void contribute(Contributions to) {
        to.signed("s3", s3);
    }

    /** Small objects for starting tasks, read in a transaction of their own. */
    public ObjectReader reader() {
        return (bucket, key, maxBytes) -> {
            try {
                return ctx.store().read(tx -> {
                    try {
                        return objects.readForTask(tx, bucket, key, maxBytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
    }

    @Override
    public void close() {
        s3.close();
    }
}
