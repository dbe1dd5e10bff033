package dev.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A load balancer target that answers with canned bytes, for responses a normal HTTP server will
 * not write: chunked bodies with trailers, folded header lines, bodies that end at close,
 * malformed heads. Each request's path picks the bytes ({@code paths}); any other path gets a
 * keep-alive 200 "ok" (health checks). A reply whose text ends with {@link #CLOSE} has the marker
 * removed and the connection closed after it. One thread per connection; requests have no bodies.
 */
final class RawHttpTarget implements AutoCloseable {

    static final String CLOSE = "<close>";

    final String address;
    final int port;
    private final ServerSocket server;
    private final Map<String, String> paths;
    /** Connections open now. */
    final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    RawHttpTarget(String address, Map<String, String> paths) throws IOException {
        this.address = address;
        this.paths = paths;
        this.server = new ServerSocket(0, 50, InetAddress.getByName(address));
        this.port = server.getLocalPort();
        Thread.ofVirtual().start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        open.incrementAndGet();
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                String reply = paths.getOrDefault(path, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                boolean close = reply.endsWith(CLOSE);
                out.write(reply.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the client went away
        } finally {
            open.decrementAndGet();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
