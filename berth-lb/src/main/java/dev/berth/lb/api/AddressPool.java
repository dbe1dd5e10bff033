package dev.berth.lb.api;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The IPv4 addresses load balancers may take, one each, e.g. {@code 127.0.100.10-127.0.100.250} (a
 * range) or {@code 10.0.0.5,10.0.0.6} (a list). On one machine the loopback block 127.0.0.0/8
 * works without configuration (Linux routes all of it to {@code lo}); on a real network the pool
 * names addresses configured on the host's interfaces.
 */
public final class AddressPool {

    public static final String DEFAULT = "127.0.100.10-127.0.100.250";

    private final long[] addresses;
    private final String spec;

    public AddressPool(String spec) {
        this.spec = spec;
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            long from = parse(dash < 0 ? p : p.substring(0, dash));
            long to = dash < 0 ? from : parse(p.substring(dash + 1));
            if (to < from || to - from > 65536) {
                throw new IllegalArgumentException("bad load balancer address range: " + p);
            }
            for (long a = from; a <= to; a++) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the load balancer address pool is empty: " + spec);
        }
        this.addresses = out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The first address of the pool that none of {@code taken} uses. */
    public String allocate(Collection<String> taken) {
        Set<String> used = new HashSet<>(taken);
        for (long a : addresses) {
            String s = format(a);
            if (!used.contains(s)) {
                return s;
            }
        }
        throw Errors.invalidConfig("Every address of the load balancer address pool " + spec
                + " is in use; delete a load balancer or widen the pool (berth server --lb-addresses)");
    }

    private static long parse(String ip) {
        String[] o = ip.trim().split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String s : o) {
            int n = Integer.parseInt(s);
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            v = v << 8 | n;
        }
        return v;
    }

    private static String format(long a) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }
}
