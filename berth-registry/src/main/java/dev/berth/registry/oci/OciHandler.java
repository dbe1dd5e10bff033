package dev.berth.registry.oci;

import dev.berth.protocol.http.RequestBodies;
import dev.berth.protocol.http.RequestStream;
import dev.berth.registry.RegistryError;
import dev.berth.registry.RegistryError.Code;
import dev.berth.registry.auth.RegistryAuthorizer;
import dev.berth.registry.auth.RegistryAuthorizer.Action;
import dev.berth.registry.auth.RegistryAuthorizer.Principal;
import dev.berth.registry.meta.Images;
import dev.berth.registry.meta.Repositories;
import dev.berth.registry.meta.Uploads;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI Distribution API (v1.1) under {@code /v2/}, as ECR serves it: Basic authentication with
 * registry passwords, pull, push (monolithic, chunked, resumable, cross-repository mount), content
 * discovery, deletion and the referrers API. Registered on the front door with
 * {@code route("/v2/", handler)}.
 *
 * <p>Threading: this handler runs on the event loop only long enough to parse the path and wire the
 * request body (a bounded read for manifests, a back-pressured {@link RequestStream} for blob
 * uploads); the work runs on a virtual thread per request, which blocks on the state store and the
 * blob store. Responses hop back to the request's context ({@link OciExchange}); blob downloads go
 * out with {@code sendFile}, so no blob is ever held in memory.
 *
 * <p>Errors: every {@link RegistryError} becomes an OCI error body ({@code {"errors":[...]}}) with
 * its status; anything else is a bug, logged, and answered with a 500 {@code UNKNOWN} error.
 */
public final class OciHandler implements Handler<HttpServerRequest>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OciHandler.class);
    /** How long an upload may stay silent mid-body before the request is failed. */
    static final long BODY_IDLE_MILLIS = 120_000;

    private final Vertx vertx;
    private final Images images;
    private final RegistryAuthorizer authorizer;
    private final OciBlobs blobs;
    private final OciManifests manifests;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    public OciHandler(Vertx vertx, Images images, Uploads uploads, RegistryAuthorizer authorizer) {
        this.vertx = vertx;
        this.images = images;
        this.authorizer = authorizer;
        this.blobs = new OciBlobs(images, uploads);
        this.manifests = new OciManifests(images);
    }

    @Override
    public void handle(HttpServerRequest req) {
        Context ctx = vertx.getOrCreateContext();
        OciExchange ex = new OciExchange(req, ctx);
        OciRoute route = OciRoute.parse(req.path());
        HttpMethod m = req.method();
        boolean streamed = (route instanceof OciRoute.Upload && (m == HttpMethod.PATCH || m == HttpMethod.PUT))
                || (route instanceof OciRoute.UploadStart && m == HttpMethod.POST);
        if (streamed) {
            RequestStream body = new RequestStream(req, ctx, BODY_IDLE_MILLIS);
            workers.execute(() -> run(ex, route, null, body));
        } else if (route instanceof OciRoute.Manifest && m == HttpMethod.PUT) {
            RequestBodies.read(
                    req,
                    Images.MAX_MANIFEST,
                    body -> workers.execute(() -> run(ex, route, body, null)),
                    () -> workers.execute(() -> ex.error(
                            new RegistryError(
                                    Code.SIZE_INVALID, "the manifest is larger than " + Images.MAX_MANIFEST + " bytes"),
                            null)));
        } else {
            req.handler(b -> {});
            workers.execute(() -> run(ex, route, null, null));
        }
    }

    private void run(OciExchange ex, OciRoute route, byte[] body, RequestStream stream) {
        try {
            HttpMethod m = ex.req.method();
            Optional<Principal> who = authenticate(ex);
            if (who.isEmpty()) {
                return;
            }
            Principal p = who.get();
            switch (route) {
                case OciRoute.Base b -> {
                    if (p.anonymous()) {
                        throw challenge(ex);
                    }
                    ex.send(200, ex.headers().add("Content-Type", "application/json"), OciExchange.json("{}"));
                }
                case OciRoute.Catalog c -> {
                    require(ex, p, Action.LIST_REPOSITORIES, null);
                    manifests.catalog(ex);
                }
                case OciRoute.Tags t -> manifests.tags(ex, t.name(), require(ex, p, Action.PULL, t.name()));
                case OciRoute.Referrers r ->
                    manifests.referrers(ex, r.name(), r.digest(), require(ex, p, Action.PULL, r.name()));
                case OciRoute.Manifest mf -> {
                    if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
                        require(ex, p, Action.PULL, mf.name());
                        manifests.get(ex, mf.name(), mf.reference(), m == HttpMethod.HEAD);
                    } else if (m == HttpMethod.PUT) {
                        require(ex, p, Action.PUSH, mf.name());
                        manifests.put(ex, mf.name(), mf.reference(), body);
                    } else if (m == HttpMethod.DELETE) {
                        require(ex, p, Action.DELETE, mf.name());
                        manifests.delete(ex, mf.name(), mf.reference());
                    } else {
                        throw unsupported();
                    }
                }
                case OciRoute.Blob bl -> {
                    if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
                        require(ex, p, Action.PULL, bl.name());
                        blobs.get(ex, bl.name(), bl.digest(), m == HttpMethod.HEAD);
                    } else if (m == HttpMethod.DELETE) {
                        require(ex, p, Action.DELETE, bl.name());
                        blobs.delete(ex, bl.name(), bl.digest());
                    } else {
                        throw unsupported();
                    }
                }
                case OciRoute.UploadStart u -> {
                    if (m != HttpMethod.POST) {
                        throw unsupported();
                    }
                    require(ex, p, Action.PUSH, u.name());
                    blobs.start(ex, u.name(), p, stream);
                }
                case OciRoute.Upload u -> {
                    require(ex, p, Action.PUSH, u.name());
                    switch (m.name()) {
                        case "GET" -> blobs.status(ex, u.name(), u.id());
                        case "PATCH" -> blobs.patch(ex, u.name(), u.id(), stream);
                        case "PUT" -> blobs.finish(ex, u.name(), u.id(), stream);
                        case "DELETE" -> blobs.cancel(ex, u.name(), u.id());
                        default -> throw unsupported();
                    }
                }
                case OciRoute.Unknown un -> {
                    if (un.badName()) {
                        throw new RegistryError(Code.NAME_INVALID, "invalid repository name");
                    }
                    ex.send(
                            404,
                            ex.headers().add("Content-Type", "application/json"),
                            OciExchange.json(OciExchange.errorBody("NOT_FOUND", "no such endpoint under /v2/")));
                }
            }
        } catch (Challenge c) {
            // the 401 has been sent
        } catch (Uploads.RangeMismatch e) {
            ex.error(
                    new RegistryError(
                            Code.RANGE_INVALID, "the upload holds " + e.size() + " bytes; a chunk must start there"),
                    MultiMap.caseInsensitiveMultiMap().add("Range", OciBlobs.range(e.size())));
        } catch (RegistryError e) {
            ex.error(e, null);
        } catch (Throwable e) {
            LOG.error("{} {} failed unexpectedly", ex.req.method(), ex.req.path(), e);
            ex.send(
                    500,
                    ex.headers().add("Content-Type", "application/json"),
                    OciExchange.json(
                            OciExchange.errorBody("UNKNOWN", "Berth hit an internal error; the server log has it.")));
        }
    }

    /** The caller, anonymous when there is no Authorization header; empty after a 401 has been sent. */
    private Optional<Principal> authenticate(OciExchange ex) {
        String auth = ex.req.getHeader("Authorization");
        String token = ex.req.getParam("berth-token");
        if (auth == null && token != null && ex.req.path().contains("/blobs/")) {
            // GetDownloadUrlForLayer's URLs carry the password as a query parameter.
            Optional<Principal> p = authorizer.authenticate("AWS", token);
            if (p.isEmpty()) {
                challenge(ex);
            }
            return p;
        }
        if (auth == null) {
            return Optional.of(Principal.ANONYMOUS);
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    Optional<Principal> p =
                            authorizer.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
                    if (p.isPresent()) {
                        return p;
                    }
                }
            } catch (IllegalArgumentException e) {
                // not base64: unauthorized below
            }
        }
        challenge(ex);
        return Optional.empty();
    }

    /** Checks that {@code who} may do {@code action} in {@code name}; returns the repository (null for registry-wide). */
    private Repositories.Repo require(OciExchange ex, Principal who, Action action, String name) {
        Repositories.Repo repo = name == null
                ? null
                : images.store()
                        .read(tx -> images.repositories().find(tx, name))
                        .orElse(null);
        if (who.anonymous()) {
            if (repo == null || !authorizer.allows(who, action, repo)) {
                throw challenge(ex);
            }
            return repo;
        }
        if (name != null && repo == null) {
            throw RegistryError.nameUnknown(name);
        }
        if (!authorizer.allows(who, action, repo)) {
            throw new RegistryError(
                    Code.DENIED,
                    "not authorized to " + action.name().toLowerCase().replace('_', ' ')
                            + (name == null ? "" : " in repository " + name));
        }
        return repo;
    }

    /** Sends the 401 with ECR's Basic challenge; the returned exception unwinds the request. */
    private Challenge challenge(OciExchange ex) {
        String host = Optional.ofNullable(ex.req.getHeader("Host")).orElse("localhost");
        MultiMap h = ex.headers()
                .add("Content-Type", "application/json")
                .add("WWW-Authenticate", "Basic realm=\"http://" + host + "\",service=\"ecr.amazonaws.com\"");
        ex.send(401, h, OciExchange.json(OciExchange.errorBody("UNAUTHORIZED", "authentication required")));
        return new Challenge();
    }

    private static RegistryError unsupported() {
        return new RegistryError(Code.UNSUPPORTED, "the operation is unsupported");
    }

    /** Unwinds a request whose 401 has been sent. */
    private static final class Challenge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Challenge() {
            super(null, null, false, false);
        }
    }

    void submit(Runnable r) {
        workers.execute(r);
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
