package dev.berth.agent.engine;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * A minimal OCI/Docker registry on 127.0.0.1 (which dockerd treats as an insecure registry)
 * serving one single-layer image built from the busybox rootfs, optionally behind Basic auth. It
 * records every request so tests can see whether Docker pulled and which credentials it sent.
 * Test-only: just enough of the distribution API for {@code docker pull}, over a hand-rolled
 * HTTP/1.1 server because dockerd first tries TLS on an insecure registry and only falls back to
 * plain HTTP when the connection is refused or closed: the JDK's HttpServer would sit on the TLS
 * hello until dockerd's 10 s handshake timeout, so this one closes on it at once.
 */
final class FakeRegistry implements AutoCloseable {
    private static final String MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

    /** One request as the registry saw it. */
    record Request(String method, String path, String authorization) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final String manifestDigest;
    private final ServerSocket server;
    private final String expectedAuth;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final byte[] manifest;

    /** Starts the registry; {@code username} null means no authentication. */
    FakeRegistry(String username, String password) throws Exception {
        expectedAuth = username == null
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        byte[] tar = Files.readAllBytes(DockerFixture.rootfsTar());
        var gz = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        byte[] layer = gz.toByteArray();
        String layerDigest = digest(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + digest(tar) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = digest(config);
        blobs.put(layerDigest, layer);
        blobs.put(configDigest, config);
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\","
                        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":"
                        + config.length + ",\"digest\":\"" + configDigest + "\"},"
                        + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                        + "\"size\":" + layer.length + ",\"digest\":\"" + layerDigest + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        manifestDigest = digest(manifest);
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            var in = new BufferedInputStream(socket.getInputStream());
            in.mark(1);
            if (in.read() == 0x16) {
                return; // a TLS ClientHello: close so dockerd falls back to HTTP
            }
            in.reset();
            String requestLine = readLine(in);
            String auth = null;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Authorization")) {
                    auth = line.substring(colon + 1).strip();
                }
            }
            String[] parts = requestLine.split(" ");
            String path = parts[1].split("\\?")[0];
            handle(parts[0], path, auth, socket.getOutputStream());
        } catch (IOException | RuntimeException e) {
            // a client went away; nothing to do
        }
    }

    private static String readLine(BufferedInputStream in) throws IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** {@code 127.0.0.1:<port>}. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Requests that fetched a manifest (one per pull). */
    long manifestRequests() {
        return requests.stream().filter(r -> r.path().contains("/manifests/")).count();
    }

    private void handle(String method, String path, String auth, OutputStream out) throws IOException {
        requests.add(new Request(method, path, auth));
        boolean head = method.equals("HEAD");
        if (expectedAuth != null && !expectedAuth.equals(auth)) {
            send(
                    out,
                    head,
                    401,
                    "application/json",
                    "WWW-Authenticate: Basic realm=\"fake\"\r\n",
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/v2/") || path.equals("/v2")) {
            send(out, head, 200, "application/json", "", "{}".getBytes(StandardCharsets.UTF_8));
        } else if (path.contains("/manifests/")) {
            send(out, head, 200, MANIFEST_TYPE, "Docker-Content-Digest: " + manifestDigest + "\r\n", manifest);
        } else if (path.contains("/blobs/") && blobs.containsKey(path.substring(path.lastIndexOf('/') + 1))) {
            send(out, head, 200, "application/octet-stream", "", blobs.get(path.substring(path.lastIndexOf('/') + 1)));
        } else {
            send(out, head, 404, "application/json", "", "{}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(OutputStream out, boolean head, int status, String type, String extraHeaders, byte[] body)
            throws IOException {
        String headers = "HTTP/1.1 " + status + " X\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Docker-Distribution-API-Version: registry/2.0\r\n"
                + "Connection: close\r\n"
                + extraHeaders + "\r\n";
        out.write(headers.getBytes(StandardCharsets.UTF_8));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String digest(byte[] data) throws NoSuchAlgorithmException {
        return "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
