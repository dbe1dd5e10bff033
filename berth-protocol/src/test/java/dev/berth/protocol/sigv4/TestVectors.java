package dev.berth.protocol.sigv4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the AWS SigV4 test-suite files under {@code src/test/resources/sigv4-testsuite} into
 * {@link SignedRequest}s, so tests work from AWS's own vectors rather than from requests signed by
 * the code under test.
 */
final class TestVectors {

    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /** Knows only the suite's key, and accepts any session token with it. */
    static final CredentialResolver RESOLVER = new CredentialResolver() {
        @Override
        public Optional<String> secretFor(String accessKeyId) {
            return ACCESS_KEY.equals(accessKeyId) ? Optional.of(SECRET) : Optional.empty();
        }

        @Override
        public Optional<String> secretFor(String accessKeyId, String sessionToken) {
            return secretFor(accessKeyId);
        }
    };

    /**
     * One vector.
     *
     * @param name    directory below the suite root, e.g. {@code normalize-path/get-slash}
     * @param request the request as the server receives it (with {@code Authorization} when the vector has one)
     * @param creq    expected canonical request
     * @param sts     expected string to sign
     */
    record Vector(String name, SignedRequest request, String creq, String sts) {

        /** The signing time, from the string to sign. */
        Instant time() {
            return Instant.ofEpochSecond(AmzDates.parseBasic(sts.split("\n")[1]));
        }

        Clock clock() {
            return Clock.fixed(time(), ZoneOffset.UTC);
        }

        String region() {
            return sts.split("\n")[2].split("/")[1];
        }

        String service() {
            return sts.split("\n")[2].split("/")[2];
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private TestVectors() {}

    static Path root() {
        try {
            return Path.of(TestVectors.class.getResource("/sigv4-testsuite").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Vector> all() throws IOException {
        Path root = root();
        try (Stream<Path> files = Files.walk(root)) {
            return files
                    .filter(p -> p.getFileName().toString().endsWith(".req"))
                    .sorted()
                    .map(p -> load(root.relativize(p.getParent()).toString().replace('\\', '/')))
                    .toList()
                    .stream();
        }
    }

    static Vector load(String name) {
        Path dir = root().resolve(name);
        String base = dir.getFileName().toString();
        String req = read(dir.resolve(base + ".req"));
        Path authz = dir.resolve(base + ".authz");
        SignedRequest request = parse(req, Files.exists(authz) ? read(authz) : null);
        return new Vector(name, request, read(dir.resolve(base + ".creq")), read(dir.resolve(base + ".sts")));
    }

    /** Parses the suite's request format: request line, {@code Name:value} lines, blank line, body. */
    static SignedRequest parse(String req, String authorization) {
        int blank = req.indexOf("\n\n");
        String head = blank < 0 ? req : req.substring(0, blank);
        String body = blank < 0 ? "" : req.substring(blank + 2);
        String[] lines = head.split("\n");
        String requestLine = lines[0];
        int firstSpace = requestLine.indexOf(' ');
        String method = requestLine.substring(0, firstSpace);
        String target = requestLine.substring(firstSpace + 1, requestLine.lastIndexOf(" HTTP/"));
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1));
        }
        if (authorization != null) {
            headers.put("Authorization", List.of(authorization));
        }
        return SignedRequest.of(method, path, query, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of {@code request} with header {@code name} (exact spelling) set to {@code value}. */
    static SignedRequest withHeader(SignedRequest request, String name, String value) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.put(name, List.of(value));
        return new SignedRequest(
                request.method(),
                request.rawPath(),
                request.rawQuery(),
                headers,
                request.body(),
                request.bodySha256Hex());
    }

    /** A copy of {@code request} without header {@code name} (exact spelling). */
    static SignedRequest withoutHeader(SignedRequest request, String name) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove(name);
        return new SignedRequest(
                request.method(),
                request.rawPath(),
                request.rawQuery(),
                headers,
                request.body(),
                request.bodySha256Hex());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
