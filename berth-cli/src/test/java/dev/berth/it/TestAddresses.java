package dev.berth.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Every loopback address an integration test binds or registers, from one place, so two suites
 * can run on one machine without binding the same address.
 *
 * <p>Without {@code -Dberth.it.net} each IT keeps the block it always had in 127.0.0.0/16 (CI sees
 * the same addresses as before). With {@code -Dberth.it.net=A.B.C} (a /24 prefix, e.g.
 * {@code 127.0.40}) every block is laid out one after another inside {@code A.B.C.0/24}, each IT
 * on its own slice, the shared load-balancer pool included; a second suite given another /24
 * shares nothing with the first. {@code -Dberth.it.lb-addresses} still overrides the pool, and
 * {@code -Dberth.it.logs-host-ip} the LogsDockerIT agent's address.
 */
enum TestAddresses {
    CONTAINER_INSTANCE("127.0.0", 11, 6),
    AGENT_PROTOCOL("127.0.0", 21, 5),
    AGENT_PROCESS("127.0.0", 31, 1),
    TASK_PROTOCOL("127.0.0", 31, 3),
    AGENT_RECONNECT("127.0.0", 41, 1),
    LOST_INSTANCE("127.0.0", 51, 1),
    TASK_DOCKER("127.0.0", 51, 2),
    RUNTIME_HEALTH("127.0.0", 61, 3),
    RESTART_RESILIENCE("127.0.0", 71, 2),
    SERVICE_DOCKER("127.0.1", 11, 3),
    /** TestServer's load-balancer pool: 190 addresses by default, 100 in a /24 of one's own. */
    LB_POOL("127.0.2", 10, 190, 100),
    LB_TRAFFIC("127.0.2", 200, 20),
    /** Targets ElbApiIT registers (never bound); the last is one it never registers. */
    ELB_API("127.0.2", new int[] {201, 202, 203, 250}),
    ELB_CLI("127.0.2", 220, 1),
    LB_DOCKER("127.0.2", 230, 3),
    SECRETS_DOCKER("127.0.3", 51, 1),
    TASK_SECRETS_PROTOCOL("127.0.3", 61, 1),
    REGISTRY_AGENT_PULL("127.0.4", 61, 1),
    REGISTRY_CRASH("127.0.4", 71, 1),
    LOGS_DOCKER("127.0.6", 21, 1),
    SERVICE_LB("127.0.7", 11, 2),
    /** ServiceLoadBalancerIT's own load-balancer pool. */
    SERVICE_LB_POOL("127.0.7", 100, 51, 20),
    SERVICE_TRAFFIC("127.0.21", 11, 2),
    ENV_FILES_DOCKER("127.0.22", 201, 1),
    LATE_DOCKER("127.0.22", 211, 2),
    /** IamIT's OpenID Connect provider (issuer, JWKS). */
    IAM_OIDC("127.0.23", 11, 1);

    /** The /24 prefix from {@code berth.it.net}, or empty for each block's historical place. */
    static final String NET = System.getProperty("berth.it.net", "").strip();

    private final String defaultPrefix;
    private final int[] defaultHosts;
    private final int netSize;

    TestAddresses(String defaultPrefix, int first, int size) {
        this(defaultPrefix, first, size, size);
    }

    TestAddresses(String defaultPrefix, int first, int size, int netSize) {
        this(defaultPrefix, consecutive(first, size), netSize);
    }

    TestAddresses(String defaultPrefix, int[] defaultHosts) {
        this(defaultPrefix, defaultHosts, defaultHosts.length);
    }

    TestAddresses(String defaultPrefix, int[] defaultHosts, int netSize) {
        this.defaultPrefix = defaultPrefix;
        this.defaultHosts = defaultHosts;
        this.netSize = netSize;
    }

    private static int[] consecutive(int first, int size) {
        int[] hosts = new int[size];
        for (int i = 0; i < size; i++) {
            hosts[i] = first + i;
        }
        return hosts;
    }

    /** How many addresses this block has. */
    int size() {
        return NET.isEmpty() ? defaultHosts.length : netSize;
    }

    /** The block's {@code i}-th address (0-based). */
    String ip(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(name() + " has " + size() + " addresses, not " + (i + 1));
        }
        if (NET.isEmpty()) {
            return defaultPrefix + "." + defaultHosts[i];
        }
        int host = 1;
        for (TestAddresses before : values()) {
            if (before == this) {
                break;
            }
            host += before.netSize;
        }
        return NET + "." + (host + i);
    }

    /** The first {@code n} addresses. */
    List<String> ips(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ip(i));
        }
        return out;
    }

    /** The whole block as a {@code first-last} range (for {@code --lb-addresses}); consecutive blocks only. */
    String range() {
        return ip(0) + "-" + ip(size() - 1);
    }

    /** Whether {@code address} is one of this block's. */
    boolean contains(String address) {
        for (int i = 0; i < size(); i++) {
            if (ip(i).equals(address)) {
                return true;
            }
        }
        return false;
    }

    static {
        int used = 0;
        for (TestAddresses b : values()) {
            used += b.netSize;
        }
        if (used > 254) {
            throw new IllegalStateException("the IT address blocks need " + used + " addresses, more than a /24 holds");
        }
        if (!NET.isEmpty() && !NET.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalStateException(
                    "berth.it.net must be a loopback /24 prefix such as 127.0.40, not '" + NET + "'");
        }
    }
}
