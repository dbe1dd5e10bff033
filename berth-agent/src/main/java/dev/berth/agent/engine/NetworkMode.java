package dev.berth.agent.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The Docker network modes the engine supports for a task (ECS {@code networkMode} on the EC2
 * launch type, minus {@code awsvpc}). It exists as an enum so that what each mode allows
 * (port mappings, links, hostnames) is decided in one place, {@link TaskSpecValidator}.
 * Serialized in the lower-case ECS spelling.
 */
public enum NetworkMode {
    /** Docker's default bridge: ports are published (static or dynamic host ports), links work. */
    BRIDGE,
    /** The host's network stack: a container port is the host port; no links, no publishing. */
    HOST,
    /** Only a loopback interface: no port mappings, no links. */
    NONE;

    /** The ECS / Docker spelling ({@code bridge}, {@code host}, {@code none}). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the ECS spelling; {@code null} means the ECS default for EC2, {@code bridge}. */
    @JsonCreator
    public static NetworkMode fromWire(String value) {
        if (value == null || value.isBlank()) {
            return BRIDGE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "bridge", "default" -> BRIDGE;
            case "host" -> HOST;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unsupported network mode: " + value);
        };
    }
}
