package dev.berth.model.registry;

import java.time.Instant;

/**
 * What ECS (berth-ecs) needs from the image registry (berth-registry): a registry password for an
 * agent, handed out with the agent's desired state so it can pull task images. berth-registry
 * implements it with the passwords GetAuthorizationToken also issues.
 */
@FunctionalInterface
public interface RegistryLogins {

    /** A login for user {@code AWS}; {@code subject} names who it was issued to (e.g. {@code agent/<id>}). */
    Login issue(String subject);

    /** A registry password and the time it stops working. */
    record Login(String password, Instant expiresAt) {}
}
