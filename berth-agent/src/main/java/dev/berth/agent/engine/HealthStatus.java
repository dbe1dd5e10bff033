package dev.berth.agent.engine;

/** ECS health status of a container (from its Docker health check) or of a task. */
public enum HealthStatus {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN;

    /** Maps Docker's health state ({@code starting}, {@code healthy}, {@code unhealthy}). */
    public static HealthStatus fromDocker(String state) {
        if (state == null) {
            return UNKNOWN;
        }
        return switch (state.trim()) {
            case "healthy" -> HEALTHY;
            case "unhealthy" -> UNHEALTHY;
            default -> UNKNOWN;
        };
    }
}
