package dev.berth.agent.engine;

/**
 * The ECS agent's {@code ECS_IMAGE_PULL_BEHAVIOR}, configured per agent. {@link #plan} is the
 * whole policy as a pure function so it can be tested exhaustively; {@link ImagePuller} carries it
 * out.
 */
public enum ImagePullBehavior {
    /** Pull; if the pull fails, use the cached image when there is one. */
    DEFAULT,
    /** Always pull; a failed pull fails the task. */
    ALWAYS,
    /** Pull only if this agent has not pulled the image before (or it was removed). */
    ONCE,
    /** Use the cached image when there is one; pull otherwise. */
    PREFER_CACHED;

    /** What to do about an image. */
    public enum Plan {
        /** Pull; failure fails the container. */
        PULL,
        /** Pull; on failure fall back to the cached image. */
        PULL_OR_USE_CACHE,
        /** Do not pull; use the cached image. */
        USE_CACHE
    }

    /**
     * Decides for one image.
     *
     * @param cached the image is present in the local Docker image store
     * @param pulledBefore this agent pulled it successfully before
     */
    public Plan plan(boolean cached, boolean pulledBefore) {
        return switch (this) {
            case DEFAULT -> cached ? Plan.PULL_OR_USE_CACHE : Plan.PULL;
            case ALWAYS -> Plan.PULL;
            case ONCE -> cached && pulledBefore ? Plan.USE_CACHE : Plan.PULL;
            case PREFER_CACHED -> cached ? Plan.USE_CACHE : Plan.PULL;
        };
    }
}
