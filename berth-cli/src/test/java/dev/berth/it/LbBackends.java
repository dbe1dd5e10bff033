package dev.berth.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real backends for load balancer tests: small Vert.x HTTP servers on addresses of the test
 * loopback block that answer with their name, echo the forwarding headers, answer slowly on
 * request, fail their health check on command and echo WebSocket frames; a TCP echo server; and a
 * raw HTTP/1.1 client that can send any Host header.
 */
final class LbBackends implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();

    /** One HTTP backend. */
    final class Http {
        final String name;
        final String address;
        final int port;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicBoolean healthy = new AtomicBoolean(true);
        private final HttpServer server;

        Http(String name, String address) {
            this.name = name;
            this.address = address;
            this.server = vertx.createHttpServer()
                    .webSocketHandler(ws -> ws.textMessageHandler(m -> ws.writeTextMessage(m)))
                    .requestHandler(req -> {
                        String path = req.path();
                        if (path.equals("/health")) {
                            req.response()
                                    .setStatusCode(healthy.get() ? 200 : 503)
                                    .end("health");
                            return;
                        }
                        requests.incrementAndGet();
                        if (path.equals("/slow")) {
                            long ms = Long.parseLong(req.getParam("ms", "1000"));
                            vertx.setTimer(ms, t -> req.response().end(name));
                            return;
                        }
                        if (path.equals("/headers")) {
                            StringBuilder sb = new StringBuilder();
                            for (String h : new String[] {
                                "Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id"
                            }) {
                                sb.append(h)
                                        .append('=')
                                        .append(req.getHeader(h))
                                        .append('\n');
                            }
                            req.response().end(sb.toString());
                            return;
                        }
                        if (path.equals("/upload")) {
                            req.body().onSuccess(b -> req.response().end(name + ":" + b.length()));
                            return;
                        }
                        req.response().putHeader("Content-Type", "text/plain").end(name);
                    });
            try {
                this.port = server.listen(0, address)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)
                        .actualPort();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void stop() throws Exception {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    Http http(String name, String address) {
        return new Http(name, address);
    }

    /** A TCP echo server; returns its port. */
    int tcpEcho(String address) throws Exception {
        NetServer s = vertx.createNetServer().connectHandler(sock -> sock.handler(sock::write));
        return s.listen(0, address)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** An HTTP response as read off the wire. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends one HTTP/1.1 request on a new connection ({@code Connection: close}) and reads the whole response. */
    static Response request(String address, int port, String method, String path, Map<String, String> headers) {
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", address + ":" + port);
            h.putAll(headers);
            h.put("Connection", "close");
            h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> rh = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                rh.merge(
                        lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(c + 1).trim(),
                        (a, b) -> a + "," + b);
            }
            String body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(rh.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(status, rh, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response get(String address, int port, String path) {
        return request(address, port, "GET", path, Map.of());
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
