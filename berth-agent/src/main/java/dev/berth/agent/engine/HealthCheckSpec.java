package dev.berth.agent.engine;

import java.util.List;

/**
 * An ECS container {@code healthCheck}, mapped one to one onto a Docker health check. Defaults
 * are the ECS ones (interval 30 s, timeout 5 s, retries 3, start period 0).
 *
 * @param command {@code ["CMD-SHELL", "curl ..."]} or {@code ["CMD", "exe", "arg"]}
 */
public record HealthCheckSpec(
        List<String> command, Integer interval, Integer timeout, Integer retries, Integer startPeriod) {
    public HealthCheckSpec {
        command = command == null ? List.of() : List.copyOf(command);
        if (command.isEmpty()
                || !(command.getFirst().equals("CMD") || command.getFirst().equals("CMD-SHELL"))) {
            throw new IllegalArgumentException("healthCheck command must start with CMD or CMD-SHELL");
        }
        interval = interval == null ? 30 : interval;
        timeout = timeout == null ? 5 : timeout;
        retries = retries == null ? 3 : retries;
        startPeriod = startPeriod == null ? 0 : startPeriod;
    }
}
