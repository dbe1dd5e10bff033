package dev.berth.protocol.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.Authenticator;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.ShapeValidator;
import dev.berth.protocol.model.ShapedTrees;
import dev.berth.protocol.query.QueryOperation;
import dev.berth.protocol.query.QueryService;
import dev.berth.protocol.query.QueryXml;
import dev.berth.protocol.sigv4.Dialect;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP port every client talks to.
 *
 * <p>It tells the protocols apart and hands each request to the right service: requests with an
 * {@code X-Amz-Target} header are AWS JSON calls, form-encoded requests (or GETs) with an
 * {@code Action} parameter are AWS query calls, {@code /_berth/health} answers health checks, and
 * path prefixes registered with {@link #route} (the OCI registry's {@code /v2/}, the console) get the
 * raw request, and requests SigV4-signed for a REST service registered with {@link #signedService}
 * (S3) go to that service whatever their path. Every AWS call is authenticated before its body is even parsed.
 *
 * <p>Threading: Vert.x event loops only read bodies and write responses. Authentication, parsing,
 * validation and the operation itself run on a virtual thread per request, because handlers block
 * on the state store; the response is written back on the request's event-loop context.
 *
 * <p>Error contract: an {@link AwsException} becomes the dialect's error body with its status; any
 * other exception is a bug, logged with the request id, and reported as the service's 500 error.
 */
public final class FrontDoor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
    private static final String JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

    /**
     * Largest request body accepted by the AWS API endpoints, unless a JSON service raises it for
     * one operation ({@link JsonService#maxRequestBody}).
     */
    public static final int MAX_API_BODY = JsonService.DEFAULT_MAX_BODY;

    private final Vertx vertx;
    private final ObjectMapper mapper;
    /** Parses the bodies of operations allowed more than {@link #MAX_API_BODY}; their strings may be that long. */
    private final ObjectMapper wideMapper;

    private final Authenticator authenticator;
    private final Map<String, JsonService> jsonByPrefix = new LinkedHashMap<>();
    private final Map<JsonService, ShapeValidator> validators = new LinkedHashMap<>();
    private final List<QueryService> queryServices = new ArrayList<>();
    private final Map<String, Handler<HttpServerRequest>> routes = new LinkedHashMap<>();
    private final Map<String, Handler<HttpServerRequest>> signedServices = new LinkedHashMap<>();
    private volatile dev.berth.protocol.Authorizer authorizer = dev.berth.protocol.Authorizer.ALLOW_ALL;
    private final Supplier<Map<String, Object>> health;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    public FrontDoor(
            Vertx vertx, ObjectMapper mapper, Authenticator authenticator, Supplier<Map<String, Object>> health) {
        this.vertx = vertx;
        this.mapper = mapper;
        this.wideMapper = mapper.copy();
        this.wideMapper
                .getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(
                                mapper.getFactory().streamReadConstraints().getMaxNestingDepth())
                        .maxNumberLength(
                                mapper.getFactory().streamReadConstraints().getMaxNumberLength())
                        .maxStringLength(Integer.MAX_VALUE)
                        .build());
        this.authenticator = authenticator;
        this.health = health;
    }

    /** Who may do what; every API call is asked after authentication (default: everything). */
    public FrontDoor authorizer(dev.berth.protocol.Authorizer authorizer) {
        this.authorizer = java.util.Objects.requireNonNull(authorizer);
        return this;
    }

    public FrontDoor json(JsonService service) {
        jsonByPrefix.put(service.model().targetPrefix(), service);
        validators.put(
                service,
                new ShapeValidator(
                        service.model(),
                        service.validationErrorCode(),
                        service.identifierMembers(),
                        service.validationDialect()));
        return this;
    }

    public FrontDoor query(QueryService service) {
        queryServices.add(service);
        return this;
    }

    /** Sends every request whose path starts with {@code prefix} to {@code handler} untouched. */
    public FrontDoor route(String prefix, Handler<HttpServerRequest> handler) {
        routes.put(prefix, handler);
        return this;
    }

    /**
     * Sends every request whose SigV4 credential scope (the {@code Authorization} header's or a
     * presigned URL's {@code X-Amz-Credential}) names {@code signingName} to {@code handler}
     * untouched, before any path route: REST services such as S3 ({@code s3}) own every path,
     * including {@code /v2/...}, which stays the registry's for Basic/Bearer-authenticated clients.
     */
    public FrontDoor signedService(String signingName, Handler<HttpServerRequest> handler) {
        signedServices.put(signingName, handler);
        return this;
    }

    /** Binds and starts serving; returns the bound port (useful when {@code port} is 0). */
    public int start(String host, int port) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setIdleTimeout(120)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true)
                .setMaxInitialLineLength(64 * 1024)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
        try {
            server = vertx.createHttpServer(options)
                    .requestHandler(this::onRequest)
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
        }
        return server.actualPort();
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("front door did not close cleanly: {}", e.toString());
            }
        }
        RequestWorkers.drain(workers);
    }

    private void onRequest(HttpServerRequest req) {
        String path = req.path();
        if (!signedServices.isEmpty() && req.getHeader("X-Amz-Target") == null) {
            String scope = credentialScopeService(req.getHeader("Authorization"), req.getParam("X-Amz-Credential"));
            Handler<HttpServerRequest> signed = scope == null ? null : signedServices.get(scope);
            if (signed != null) {
                signed.handle(req);
                return;
            }
        }
        for (Map.Entry<String, Handler<HttpServerRequest>> r : routes.entrySet()) {
            if (path.startsWith(r.getKey())) {
                r.getValue().handle(req);
                return;
            }
        }
        if (path.equals("/_berth/health")) {
            serveHealth(req);
            return;
        }
        String target = req.getHeader("X-Amz-Target");
        Context ctx = vertx.getOrCreateContext();
        String requestId = UUID.randomUUID().toString();
        if (target != null) {
            readBody(
                    req,
                    ctx,
                    requestId,
                    Dialect.JSON,
                    jsonBodyLimit(target),
                    body -> workers.execute(() -> json(req, ctx, requestId, target, body)));
            return;
        }
        String contentType = Optional.ofNullable(req.getHeader("Content-Type")).orElse("");
        if (contentType.startsWith(FORM_CONTENT_TYPE) || req.getParam("Action") != null) {
            readBody(
                    req,
                    ctx,
                    requestId,
                    Dialect.QUERY,
                    MAX_API_BODY,
                    body -> workers.execute(() -> query(req, ctx, requestId, body)));
            return;
        }
        if (contentType.startsWith("application/x-amz-json")) {
            req.resume();
            sendJsonError(
                    req,
                    ctx,
                    requestId,
                    new AwsException(
                            "UnknownOperationException",
                            400,
                            "The request has no X-Amz-Target header, so it names no operation."));
            return;
        }
        req.resume();
        req.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "text/plain")
                .end("Berth: nothing here. AWS API calls are POSTed to / with SigV4 signatures.\n");
    }

    private void serveHealth(HttpServerRequest req) {
        workers.execute(() -> {
            Context ctx = vertx.getOrCreateContext();
            byte[] body;
            int status;
            try {
                body = mapper.writeValueAsBytes(health.get());
                status = 200;
            } catch (RuntimeException | JacksonException e) {
                body = ("{\"status\":\"unhealthy\",\"error\":" + quote(e.toString()) + "}").getBytes();
                status = 503;
            }
            byte[] b = body;
            int s = status;
            ctx.runOnContext(v -> req.response()
                    .setStatusCode(s)
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(b)));
        });
    }

    /** The body limit of the operation an {@code X-Amz-Target} names; the default for unknown targets. */
    private int jsonBodyLimit(String target) {
        int dot = target.lastIndexOf('.');
        JsonService service = dot < 0 ? null : jsonByPrefix.get(target.substring(0, dot));
        return service == null ? MAX_API_BODY : service.maxRequestBody(target.substring(dot + 1));
    }

    private void readBody(
            HttpServerRequest req, Context ctx, String requestId, Dialect dialect, int limit, Handler<byte[]> then) {
        req.exceptionHandler(e -> LOG.debug("request {} failed while reading: {}", requestId, e.toString()));
        RequestBodies.read(req, limit, then, () -> tooLarge(req, ctx, requestId, dialect, limit));
    }

    private void tooLarge(HttpServerRequest req, Context ctx, String requestId, Dialect dialect, int limit) {
        AwsException e = new AwsException(
                "RequestEntityTooLargeException", 413, "The request body is larger than " + limit + " bytes.");
        if (dialect == Dialect.JSON) {
            sendJsonError(req, ctx, requestId, e);
        } else {
            sendQueryError(req, ctx, requestId, "https://berth.dev/doc/", e);
        }
    }

    private void json(HttpServerRequest req, Context ctx, String requestId, String target, byte[] body) {
        try {
            int dot = target.lastIndexOf('.');
            JsonService service = dot < 0 ? null : jsonByPrefix.get(target.substring(0, dot));
            if (service == null) {
                throw new AwsException(
                        "UnknownOperationException", 400, "No service answers X-Amz-Target " + target + ".");
            }
            String opName = target.substring(dot + 1);
            ServiceModel model = service.model();
            CallContext call = authenticator.authenticate(
                    req.method().name(),
                    rawPath(req),
                    req.query(),
                    headers(req),
                    body,
                    model.signingName(),
                    Dialect.JSON,
                    requestId);
            ServiceModel.Operation op = model.operation(opName)
                    .orElseThrow(() -> new AwsException(
                            "UnknownOperationException",
                            400,
                            opName + " is not an operation of " + model.serviceId() + "."));
            JsonOperation handler = service.operation(opName)
                    .orElseThrow(() -> new AwsException(
                            "UnknownOperationException",
                            400,
                            "Berth does not implement " + model.serviceId() + " " + opName + " yet."));
            authorizer.authorize(call, model.signingName(), opName, Dialect.JSON);
            JsonNode parsed;
            try {
                parsed = body.length == 0
                        ? null
                        : service.maxRequestBody(opName) > MAX_API_BODY
                                ? ShapedTrees.read(wideMapper, model, op.inputShape(), body)
                                : mapper.readTree(body);
            } catch (JacksonException e) {
                throw new AwsException(
                        "SerializationException", 400, "The request body is not valid JSON: " + e.getOriginalMessage());
            }
            ObjectNode input = validators.get(service).validate(op.inputShape(), parsed);
            JsonNode output = handler.handle(call, input);
            byte[] out = mapper.writeValueAsBytes(output == null ? mapper.createObjectNode() : output);
            ctx.runOnContext(v -> req.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", JSON_CONTENT_TYPE)
                    .putHeader("x-amzn-RequestId", requestId)
                    .end(Buffer.buffer(out)));
        } catch (AwsException e) {
            sendJsonError(req, ctx, requestId, e);
        } catch (Throwable e) {
            LOG.error("request {} ({}) failed unexpectedly", requestId, target, e);
            sendJsonError(
                    req,
                    ctx,
                    requestId,
                    new AwsException(
                            "ServerException",
                            500,
                            "Berth hit an internal error; request id " + requestId + " names it in the server log."));
        }
    }

    private void query(HttpServerRequest req, Context ctx, String requestId, byte[] body) {
        String namespace = "https://berth.dev/doc/";
        try {
            Map<String, List<String>> params = FormParams.parse(req.query());
            String contentType =
                    Optional.ofNullable(req.getHeader("Content-Type")).orElse("");
            if (contentType.startsWith(FORM_CONTENT_TYPE)) {
                FormParams.parseInto(new String(body, java.nio.charset.StandardCharsets.UTF_8), params);
            }
            String action = FormParams.first(params, "Action");
            QueryService service = pickQueryService(req, params, action);
            namespace = service.model().xmlNamespace();
            boolean unsigned =
                    req.getHeader("Authorization") == null && FormParams.first(params, "X-Amz-Credential") == null;
            CallContext call = action != null && unsigned && service.anonymous(action)
                    ? authenticator.anonymous(requestId)
                    : authenticator.authenticate(
                            req.method().name(),
                            rawPath(req),
                            req.query(),
                            headers(req),
                            body,
                            service.model().signingName(),
                            Dialect.QUERY,
                            requestId);
            if (action == null) {
                throw new AwsException("MissingAction", 400, "The request must contain the parameter Action.");
            }
            ServiceModel.Operation op = service.model()
                    .operation(action)
                    .orElseThrow(() -> new AwsException(
                            "InvalidAction", 400, "The action " + action + " is not valid for this web service."));
            QueryOperation handler = service.operation(action)
                    .orElseThrow(() -> new AwsException(
                            "InvalidAction",
                            400,
                            "Berth does not implement " + service.model().serviceId() + " " + action + " yet."));
            authorizer.authorize(call, service.model().signingName(), action, Dialect.QUERY);
            JsonNode result = handler.handle(call, params);
            String xml = QueryXml.response(service.model(), op, result, requestId);
            ctx.runOnContext(v -> req.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "text/xml")
                    .putHeader("x-amzn-RequestId", requestId)
                    .end(xml));
        } catch (AwsException e) {
            sendQueryError(req, ctx, requestId, namespace, e);
        } catch (Throwable e) {
            LOG.error("request {} (query) failed unexpectedly", requestId, e);
            sendQueryError(
                    req,
                    ctx,
                    requestId,
                    namespace,
                    new AwsException(
                            "InternalFailure",
                            500,
                            "Berth hit an internal error; request id " + requestId + " names it in the server log."));
        }
    }

    /**
     * Query services share one parameter space, so the one a request is for is told by the
     * service named in its SigV4 credential scope; unsigned requests fall back to the Version
     * parameter and then to the first service that knows the action.
     */
    private QueryService pickQueryService(HttpServerRequest req, Map<String, List<String>> params, String action) {
        if (queryServices.isEmpty()) {
            throw new AwsException("InvalidAction", 400, "No query-protocol service is available.");
        }
        String scope =
                credentialScopeService(req.getHeader("Authorization"), FormParams.first(params, "X-Amz-Credential"));
        if (scope != null) {
            for (QueryService s : queryServices) {
                if (s.model().signingName().equals(scope)) {
                    return s;
                }
            }
            throw new AwsException("InvalidAction", 400, "No query-protocol service is signed as '" + scope + "'.");
        }
        String version = FormParams.first(params, "Version");
        for (QueryService s : queryServices) {
            if (s.model().apiVersion().equals(version)) {
                return s;
            }
        }
        for (QueryService s : queryServices) {
            if (action != null && s.model().operation(action).isPresent()) {
                return s;
            }
        }
        return queryServices.getFirst();
    }

    static String credentialScopeService(String authorization, String presignedCredential) {
        String credential = presignedCredential;
        if (credential == null && authorization != null) {
            int i = authorization.indexOf("Credential=");
            if (i >= 0) {
                int end = authorization.indexOf(',', i);
                credential = authorization
                        .substring(i + "Credential=".length(), end < 0 ? authorization.length() : end)
                        .trim();
            }
        }
        if (credential == null) {
            return null;
        }
        String[] parts = credential.split("/");
        return parts.length == 5 ? parts[3] : null;
    }

    private void sendJsonError(HttpServerRequest req, Context ctx, String requestId, AwsException e) {
        String body = "{\"__type\":" + quote(e.code()) + ",\"message\":"
                + quote(e.getMessage() == null ? "" : e.getMessage()) + "}";
        ctx.runOnContext(v -> {
            HttpServerResponse resp = req.response();
            if (resp.ended()) {
                return;
            }
            resp.setStatusCode(e.httpStatus())
                    .putHeader("Content-Type", JSON_CONTENT_TYPE)
                    .putHeader("x-amzn-RequestId", requestId)
                    .putHeader("x-amzn-ErrorType", e.code())
                    .end(body);
        });
    }

    private void sendQueryError(
            HttpServerRequest req, Context ctx, String requestId, String namespace, AwsException e) {
        String body = QueryXml.error(namespace, e, requestId);
        ctx.runOnContext(v -> {
            HttpServerResponse resp = req.response();
            if (resp.ended()) {
                return;
            }
            resp.setStatusCode(e.httpStatus())
                    .putHeader("Content-Type", "text/xml")
                    .putHeader("x-amzn-RequestId", requestId)
                    .end(body);
        });
    }

    /** The request path exactly as received (still percent-encoded), as SigV4 signs it. */
    public static String rawPath(HttpServerRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        if (p.startsWith("http://") || p.startsWith("https://")) {
            int slash = p.indexOf('/', p.indexOf("//") + 2);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        return p.isEmpty() ? "/" : p;
    }

    /** All request headers, with HTTP/2's {@code :authority} as {@code host}, as SigV4 signs them. */
    public static Map<String, List<String>> headers(HttpServerRequest req) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        boolean host = false;
        for (Map.Entry<String, String> h : req.headers()) {
            map.computeIfAbsent(h.getKey(), k -> new ArrayList<>(1)).add(h.getValue());
            host |= h.getKey().equalsIgnoreCase("host");
        }
        if (!host && req.authority() != null) {
            // HTTP/2 (including h2c upgrades) carries the host as :authority; SigV4 signs it as "host".
            HostAndPort authority = req.authority();
            map.put(
                    "host",
                    List.of(authority.port() >= 0 ? authority.host() + ":" + authority.port() : authority.host()));
        }
        return map;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
