package dev.berth.objects;

import dev.berth.model.error.AwsException;
import dev.berth.objects.ObjectRecords.Bucket;
import dev.berth.protocol.http.FrontDoor;
import dev.berth.protocol.http.RequestBodies;
import dev.berth.protocol.http.RequestStream;
import dev.berth.protocol.sigv4.AwsChunkedStream;
import dev.berth.protocol.sigv4.S3Signature;
import dev.berth.protocol.sigv4.SigV4Verifier;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 REST-XML endpoint on the front door, path-style ({@code /<bucket>/<key>}): the front door
 * hands it every request whose SigV4 credential scope names {@code s3}.
 *
 * <p>Order for every request: the signature is verified from the headers alone (S3's rules:
 * {@code x-amz-content-sha256}, canonical URI as the client encoded it, presigned URLs); object and
 * part uploads then stream through a back-pressured {@link RequestStream} (decoded and verified chunk
 * by chunk when {@code aws-chunked}) into a staged file while MD5, SHA-256 and any additional
 * checksum are computed; only a body that matches every hash the client declared becomes visible.
 * Small XML bodies (DeleteObjects, CompleteMultipartUpload, CreateBucket) are read whole, bounded.
 *
 * <p>Threading: the event loop only moves bytes; everything else runs on a virtual thread per
 * request, because the store blocks.
 */
public final class S3Handler implements Handler<HttpServerRequest>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Handler.class);
    static final int MAX_XML_BODY = 2 * 1024 * 1024;
    private static final long BODY_IDLE_MILLIS = 120_000;

    private final Vertx vertx;
    private final SigV4Verifier verifier;
    private final Function<String, Optional<String>> accountOfKey;
    private final ObjectStore objects;
    private final ObjectOps objectOps;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param verifier     checks signatures against Berth's access keys
     * @param accountOfKey the account an access key id belongs to
     */
    public S3Handler(
            Vertx vertx, SigV4Verifier verifier, Function<String, Optional<String>> accountOfKey, ObjectStore objects) {
        this.vertx = vertx;
        this.verifier = verifier;
        this.accountOfKey = accountOfKey;
        this.objects = objects;
        this.objectOps = new ObjectOps(objects, new Multipart(objects));
    }

    /** Where a request goes: service, bucket, or object, with the decoded bucket and key. */
    record Target(String bucket, String key) {
        static Target parse(String rawPath) {
            String path = decode(rawPath);
            if (path.equals("/") || path.isEmpty()) {
                return new Target(null, null);
            }
            String rest = path.substring(1);
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return new Target(rest, null);
            }
            String key = rest.substring(slash + 1);
            return new Target(rest.substring(0, slash), key.isEmpty() ? null : key);
        }
    }

    @Override
    public void handle(HttpServerRequest req) {
        Context ctx = vertx.getOrCreateContext();
        S3Exchange ex = new S3Exchange(
                req,
                ctx,
                UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT));
        String rawPath = FrontDoor.rawPath(req);
        Target target = Target.parse(rawPath);
        boolean streamed =
                req.method() == HttpMethod.PUT && target.key() != null && req.getHeader("x-amz-copy-source") == null;
        if (streamed) {
            RequestStream body = new RequestStream(req, ctx, BODY_IDLE_MILLIS);
            workers.execute(() -> run(ex, rawPath, target, null, body));
        } else {
            RequestBodies.read(
                    req,
                    MAX_XML_BODY,
                    body -> workers.execute(() -> run(ex, rawPath, target, body, null)),
                    () -> workers.execute(() -> ex.error(
                            new AwsException("MaxMessageLengthExceeded", 400, "Your request was too big."),
                            null,
                            null,
                            rawPath)));
        }
    }

    private void run(S3Exchange ex, String rawPath, Target target, byte[] body, RequestStream stream) {
        String resource = rawPath;
        try {
            S3Signature signature =
                    verifier.verifyS3(ex.req.method().name(), rawPath, ex.req.query(), FrontDoor.headers(ex.req));
            ex.account = accountOfKey
                    .apply(signature.principal().accessKeyId())
                    .orElseThrow(() -> new AwsException(
                            "InvalidAccessKeyId",
                            403,
                            "The AWS Access Key Id you provided does not exist in our records."));
            checkTarget(target);
            if (stream != null) {
                if ("100-continue".equalsIgnoreCase(ex.req.getHeader("Expect"))) {
                    ex.ctx.runOnContext(v -> ex.req.response().writeContinue());
                }
                objectOps.upload(ex, target.bucket(), target.key(), new Body(signature, stream, ex));
                return;
            }
            byte[] decoded = smallBody(signature, body, ex);
            dispatch(ex, target, decoded);
        } catch (S3Errors.S3Exception e) {
            ex.error(e.error(), e.detailName(), e.detailValue(), resource);
        } catch (AwsException e) {
            ex.error(e, null, null, resource);
        } catch (Throwable e) {
            LOG.error("S3 request {} {} failed unexpectedly", ex.requestId, rawPath, e);
            ex.error(
                    new AwsException("InternalError", 500, "We encountered an internal error. Please try again."),
                    null,
                    null,
                    resource);
        } finally {
            if (stream != null) {
                // discard what the client still sends after an early error (nothing reads the stream any
                // more), so neither memory nor the connection is held by an abandoned body
                ex.ctx.runOnContext(v -> {
                    if (!ex.req.isEnded()) {
                        ex.req.handler(b -> {}).resume();
                    }
                });
            }
        }
    }

    /** A request body with its signature, as the operations read it. */
    record Body(S3Signature signature, InputStream raw, S3Exchange ex) {

        /** The decoded payload (aws-chunked framing removed and verified). */
        InputStream open() {
            if (!signature.payload().chunked()) {
                return raw;
            }
            String declared = ex.req.getHeader("x-amz-decoded-content-length");
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw S3Errors.invalidArgument(
                        "x-amz-decoded-content-length is not a number", "x-amz-decoded-content-length", declared);
            }
            return new AwsChunkedStream(raw, signature, length);
        }
    }

    private static byte[] smallBody(S3Signature signature, byte[] body, S3Exchange ex) throws java.io.IOException {
        if (signature.payload().chunked()) {
            try (InputStream in = new Body(signature, new ByteArrayInputStream(body), ex).open()) {
                return in.readAllBytes();
            }
        }
        try {
            signature.checkBody(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return body;
    }

    /**
     * A bucket name with a control character can name no bucket (S3's rules admit none) and a key
     * with NUL no object (the store cannot hold one): both are refused before any lookup, for
     * every operation, as {@code InvalidBucketName} and {@code InvalidArgument}. Other control
     * characters are legal in keys, as in S3.
     */
    static void checkTarget(Target target) {
        if (target.bucket() != null) {
            checkBucketCharacters(target.bucket());
        }
        if (target.key() != null) {
            ObjectStore.checkKey(target.key());
        }
    }

    static void checkBucketCharacters(String bucket) {
        for (int i = 0; i < bucket.length(); i++) {
            char c = bucket.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw S3Errors.invalidBucketName(bucket);
            }
        }
    }

    private void dispatch(S3Exchange ex, Target target, byte[] body) throws Exception {
        HttpMethod m = ex.req.method();
        if (target.bucket() == null) {
            if (m == HttpMethod.GET) {
                listBuckets(ex);
                return;
            }
            throw S3Errors.methodNotAllowed(m.name(), "/");
        }
        if (target.key() != null) {
            objectOps.dispatch(ex, target.bucket(), target.key(), body);
            return;
        }
        String bucket = target.bucket();
        var params = ex.req.params();
        if (m == HttpMethod.PUT && params.isEmpty()) {
            createBucket(ex, bucket, body);
        } else if (m == HttpMethod.HEAD && params.isEmpty()) {
            Bucket b = objects.bucket(bucket, ex.account);
            ex.empty(200, ex.headers().add("x-amz-bucket-region", b.region()));
        } else if (m == HttpMethod.DELETE && params.isEmpty()) {
            objects.deleteBucket(bucket, ex.account);
            ex.empty(204, ex.headers());
        } else if (m == HttpMethod.GET && params.contains("location")) {
            Bucket b = objects.bucket(bucket, ex.account);
            String region = b.region().equals("us-east-1") ? null : b.region();
            ex.xml(
                    200,
                    S3Xml.document("LocationConstraint")
                            .end("LocationConstraint")
                            .replace(
                                    "></LocationConstraint>",
                                    region == null ? "/>" : ">" + region + "</LocationConstraint>"));
        } else if (m == HttpMethod.GET && (params.isEmpty() || onlyListParams(params))) {
            Listings.list(ex, objects, bucket);
        } else if (m == HttpMethod.POST && params.contains("delete")) {
            objectOps.deleteObjects(ex, bucket, body);
        } else {
            throw S3Errors.notImplemented(params.names().isEmpty() ? m.name() : "?" + String.join("&", params.names()));
        }
    }

    private static boolean onlyListParams(io.vertx.core.MultiMap params) {
        for (String n : params.names()) {
            if (!Listings.PARAMS.contains(n)) {
                return false;
            }
        }
        return true;
    }

    private void createBucket(S3Exchange ex, String bucket, byte[] body) {
        if (body.length > 0) {
            org.w3c.dom.Element root = S3Xml.parse(body);
            String location = S3Xml.text(root, "LocationConstraint");
            String wanted = location == null || location.isEmpty() ? "us-east-1" : location;
            if (!wanted.equals(objects.region())) {
                throw new S3Errors.S3Exception(
                        "IllegalLocationConstraintException",
                        400,
                        "The " + wanted
                                + " location constraint is incompatible for the region specific endpoint this request was sent to.",
                        null,
                        null);
            }
        } else if (!objects.region().equals("us-east-1")) {
            BucketNames.check(bucket);
            throw new S3Errors.S3Exception(
                    "IllegalLocationConstraintException",
                    400,
                    "The unspecified location constraint"
                            + " is incompatible for the region specific endpoint this request was sent to.",
                    null,
                    null);
        }
        objects.createBucket(bucket, ex.account);
        ex.empty(200, ex.headers().add("Location", "/" + bucket));
    }

    private void listBuckets(S3Exchange ex) {
        S3Xml x = S3Xml.document("ListAllMyBucketsResult").open("Buckets");
        for (Bucket b : objects.buckets(ex.account)) {
            x.open("Bucket")
                    .element("Name", b.name())
                    .element("CreationDate", S3Xml.timestamp(b.created()))
                    .element("BucketRegion", b.region())
                    .close("Bucket");
        }
        x.close("Buckets")
                .open("Owner")
                .element("DisplayName", "berth-" + ex.account)
                .element("ID", ownerId(ex.account))
                .close("Owner");
        ex.xml(200, x.end("ListAllMyBucketsResult"));
    }

    /** The canonical user id S3 shows for an account: 64 hex digits, stable per account. */
    static String ownerId(String account) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(("berth-account:" + account).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Percent-decodes a path (UTF-8; {@code +} stays a plus, as in paths). */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%'
                    && i + 2 < raw.length()
                    && Character.digit(raw.charAt(i + 1), 16) >= 0
                    && Character.digit(raw.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
