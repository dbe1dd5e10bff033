package dev.berth.module;

import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.query.QueryService;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the modules hand the server, gathered in the order they contribute: the server mounts the
 * services and routes on its front door, schedules the jobs and applies the migrations. Collected
 * once at start-up on one thread; the lists are read after {@link ServiceModule#contribute} of every
 * module has returned.
 */
public final class Contributions {

    /** An API in AWS JSON 1.0/1.1 ({@code X-Amz-Target}), mounted by its model's target prefix. */
    public record Json(String module, JsonService service) {}

    /** An API in the AWS query protocol ({@code Action=...}). */
    public record Query(String module, QueryService service) {}

    /** Any other request under a path prefix (the registry's {@code /v2/}, the agent protocol). */
    public record Route(String module, String prefix, Handler<HttpServerRequest> handler) {}

    /** A REST service authenticated by its own SigV4 signing name (S3's {@code s3}). */
    public record Signed(String module, String signingName, Handler<HttpServerRequest> handler) {}

    /**
     * Housekeeping run by the server with a fixed delay ({@code every} between the end of one run and
     * the start of the next); a failure is logged and the job runs again next time.
     */
    public record Job(String module, String name, Duration every, Runnable work) {}

    private final List<Json> json = new ArrayList<>();
    private final List<Query> query = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<Signed> signed = new ArrayList<>();
    private final List<Job> jobs = new ArrayList<>();
    private final List<DocumentMigration> migrations = new ArrayList<>();
    private String module = "?";

    /** Names the module whose contributions follow (the server calls it before each module's turn). */
    public Contributions from(ServiceModule m) {
        this.module = m.name();
        return this;
    }

    public Contributions json(JsonService service) {
        json.add(new Json(module, Objects.requireNonNull(service)));
        return this;
    }

    public Contributions query(QueryService service) {
        query.add(new Query(module, Objects.requireNonNull(service)));
        return this;
    }

    public Contributions route(String prefix, Handler<HttpServerRequest> handler) {
        routes.add(new Route(module, prefix, Objects.requireNonNull(handler)));
        return this;
    }

    public Contributions signed(String signingName, Handler<HttpServerRequest> handler) {
        signed.add(new Signed(module, signingName, Objects.requireNonNull(handler)));
        return this;
    }

    public Contributions every(Duration period, String name, Runnable work) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a job's period must be positive: " + name);
        }
        jobs.add(new Job(module, name, period, Objects.requireNonNull(work)));
        return this;
    }

    public Contributions migration(DocumentMigration migration) {
        migrations.add(Objects.requireNonNull(migration));
        return this;
    }

    public List<Json> json() {
        return List.copyOf(json);
    }

    public List<Query> query() {
        return List.copyOf(query);
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public List<Signed> signed() {
        return List.copyOf(signed);
    }

    public List<Job> jobs() {
        return List.copyOf(jobs);
    }

    public List<DocumentMigration> migrations() {
        return List.copyOf(migrations);
    }
}
