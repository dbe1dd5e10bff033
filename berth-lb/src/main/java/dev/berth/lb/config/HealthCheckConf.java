package dev.berth.lb.config;

/**
 * A target group's health check settings, with AWS's defaults filled in at creation.
 *
 * @param port {@code traffic-port} or a port number as text, as the API carries it
 * @param path null for TCP health checks
 * @param matcher HTTP codes ({@code 200}, {@code 200,202}, {@code 200-299}); null for TCP
 */
public record HealthCheckConf(
        boolean enabled,
        String protocol,
        String port,
        String path,
        int intervalSeconds,
        int timeoutSeconds,
        int healthyThreshold,
        int unhealthyThreshold,
        String matcher) {

    /** The port to check a target on. */
    public int portFor(int trafficPort) {
        return port.equals("traffic-port") ? trafficPort : Integer.parseInt(port);
    }

    public boolean http() {
        return protocol.equals("HTTP") || protocol.equals("HTTPS");
    }

    /** Whether {@code status} satisfies the matcher (comma-separated codes and ranges). */
    public boolean matches(int status) {
        for (String part : matcher.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash > 0) {
                if (status >= Integer.parseInt(p.substring(0, dash).trim())
                        && status <= Integer.parseInt(p.substring(dash + 1).trim())) {
                    return true;
                }
            } else if (!p.isEmpty() && Integer.parseInt(p) == status) {
                return true;
            }
        }
        return false;
    }
}
