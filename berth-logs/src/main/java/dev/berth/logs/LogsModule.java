package dev.berth.logs;

import dev.berth.logs.files.LogFiles;
import dev.berth.model.logs.LogSink;
import dev.berth.module.Contributions;
import dev.berth.module.ModuleContext;
import dev.berth.module.ServiceModule;
import dev.berth.protocol.model.ServiceModel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudWatch Logs: groups and streams in the state store, events in append-only segment files under
 * {@code <data-dir>/logs} (docs/logs.md), and the retention sweep.
 *
 * <p>Publishes {@link #sink()} ({@link LogSink}: where ECS stores what the awslogs driver of a task
 * ships).
 */
public final class LogsModule implements ServiceModule {

    /** How often expired log events are deleted (CloudWatch: within a few days of expiry). */
    public static final Duration RETENTION_SWEEP = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(LogsModule.class);

    private final LogFiles files;
    private final LogCatalog catalog;
    private final LogEventApi events;
    private final LogsApi api;

    public LogsModule(ModuleContext ctx) {
        this.files = new LogFiles(ctx.dataDir().resolve("logs"));
        this.catalog = new LogCatalog(ctx.store(), ctx.docs(), ctx.platform(), ctx.clock(), files);
        LogGroupApi groups = new LogGroupApi(catalog);
        LogStreamApi streams = new LogStreamApi(catalog);
        this.events = new LogEventApi(catalog, groups, streams);
        this.api = new LogsApi(ServiceModel.load(ctx.mapper(), LogsApi.MODEL));
        api.register(groups.operations()).register(streams.operations()).register(events.operations());
    }

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public void contribute(Contributions to) {
        LogRetention retention = new LogRetention(catalog);
        to.json(api).every(RETENTION_SWEEP, "log retention", () -> {
            long freed = retention.sweep();
            if (freed > 0) {
                LOG.info("log retention deleted {} bytes of expired log events", freed);
            }
        });
    }

    /** Where the awslogs driver's lines go. */
    public LogSink sink() {
        return events;
    }

    @Override
    public void close() {
        files.close();
    }
}
