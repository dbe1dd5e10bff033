package dev.berth.lb.config;

/**
 * One registered target: its id (instance id or IP), the port traffic goes to, and the address the
 * data plane connects to (the IP itself, or the instance's host address resolved at registration).
 */
public record TargetConf(String id, int port, String address, String availabilityZone) {

    /** Targets are identified by id and port: one instance may be registered on several ports. */
    public boolean sameAs(String otherId, int otherPort) {
        return id.equals(otherId) && port == otherPort;
    }
}
