package dev.berth.scheduler;

/**
 * Encodes a host port and its protocol in one {@code int}, so port sets stay plain integer sets:
 * a TCP port is its number, a UDP port is its number plus 65,536 (ECS tracks {@code PORTS} and
 * {@code PORTS_UDP} separately, so TCP 53 and UDP 53 do not conflict).
 */
public final class Ports {

    private Ports() {}

    public static int tcp(int port) {
        check(port);
        return port;
    }

    public static int udp(int port) {
        check(port);
        return port + 65_536;
    }

    /** Encodes {@code port} for {@code protocol} ({@code tcp} or {@code udp}, as in port mappings). */
    public static int of(int port, String protocol) {
        return "udp".equalsIgnoreCase(protocol) ? udp(port) : tcp(port);
    }

    private static void check(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
