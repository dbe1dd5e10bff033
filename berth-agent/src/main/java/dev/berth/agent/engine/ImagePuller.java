package dev.berth.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes a container's image available locally according to the agent's
 * {@link ImagePullBehavior}, with registry credentials, and reports its digest. Shared by all
 * workers of an engine (thread-safe: the only state is the set of images this agent pulled, for
 * {@code once}). A pull is bounded by {@link EngineConfig#pullTimeout()}.
 */
final class ImagePuller {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImagePuller.class);

    /** The image could not be made available; {@link #getMessage()} is the ECS reason text. */
    static final class PullFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PullFailure(String message) {
            super(message);
        }
    }

    private final DockerClient docker;
    private final EngineConfig config;
    private final Set<String> pulledByThisAgent = ConcurrentHashMap.newKeySet();

    ImagePuller(DockerClient docker, EngineConfig config) {
        this.docker = docker;
        this.config = config;
    }

    /** Remembers an image as pulled (an adopted task's image counts for {@code once}). */
    void markPulled(String image) {
        pulledByThisAgent.add(image);
    }

    /**
     * Ensures {@code container}'s image is present and returns its digest.
     *
     * @return true in {@code pulled} when a pull actually happened (for pull timestamps)
     */
    Outcome ensure(ContainerSpec container) throws PullFailure {
        String image = container.image();
        Optional<InspectImageResponse> cached = inspect(image);
        var plan = config.imagePullBehavior().plan(cached.isPresent(), pulledByThisAgent.contains(image));
        if (plan == ImagePullBehavior.Plan.USE_CACHE) {
            return new Outcome(digest(image, cached.get()), false);
        }
        try {
            pull(container);
            pulledByThisAgent.add(image);
        } catch (PullFailure e) {
            if (plan == ImagePullBehavior.Plan.PULL_OR_USE_CACHE && cached.isPresent()) {
                log.warn("pull of {} failed, using the cached image: {}", image, e.getMessage());
                return new Outcome(digest(image, cached.get()), true);
            }
            log.warn("pull of {} failed: {}", image, e.getMessage());
            throw e;
        }
        return new Outcome(inspect(image).map(i -> digest(image, i)).orElse(null), true);
    }

    /** The digest of a locally present image, if it is present. */
    Optional<String> cachedDigest(String image) {
        return inspect(image).map(info -> digest(image, info));
    }

    /** The image's digest and whether a pull was attempted. */
    record Outcome(String imageDigest, boolean pullAttempted) {}

    private void pull(ContainerSpec container) throws PullFailure {
        String image = container.image();
        ImageRef ref = ImageRef.parse(image);
        var cmd = docker.pullImageCmd(ref.repository()).withTag(ref.tag());
        RegistryCredentials creds = container.repositoryCredentials() != null
                ? container.repositoryCredentials()
                : config.registryCredentials().apply(image).orElse(null);
        if (creds != null) {
            String address = creds.serverAddress() != null ? creds.serverAddress() : ref.registry();
            cmd.withAuthConfig(new AuthConfig()
                    .withUsername(creds.username())
                    .withPassword(creds.password())
                    .withRegistryAddress(address));
        }
        var callback = new QuietPullCallback();
        try {
            cmd.exec(callback);
            if (!callback.awaitCompletion(config.pullTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PullFailure("CannotPullContainerError: pull of " + image + " timed out after "
                        + config.pullTimeout().toSeconds() + "s");
            }
            if (callback.error != null) {
                throw new PullFailure("CannotPullContainerError: " + DockerErrors.describe(callback.error));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullFailure("CannotPullContainerError: pull of " + image + " interrupted");
        } catch (PullFailure e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = callback.error != null ? callback.error : e;
            throw new PullFailure("CannotPullContainerError: " + DockerErrors.describe(cause));
        } finally {
            try {
                callback.close();
            } catch (java.io.IOException ignored) {
                // the stream is gone either way
            }
        }
    }

    /**
     * A pull callback that keeps the stream's error for {@link #pull} instead of logging it: docker-java's
     * own {@code onError} logs every failed pull at ERROR with a stack trace ("Error during
     * callback"), although the failure is expected and handled (one WARN line from {@link #ensure}).
     */
    static final class QuietPullCallback extends PullImageResultCallback {
        volatile Throwable error;

        @Override
        public void onError(Throwable throwable) {
            if (error == null) {
                error = throwable;
            }
            try {
                close();
            } catch (java.io.IOException ignored) {
                // the stream is gone either way
            }
        }
    }

    private Optional<InspectImageResponse> inspect(String image) {
        try {
            return Optional.of(docker.inspectImageCmd(image).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The repository digest matching the image's repository, else the image id. */
    static String digest(String image, InspectImageResponse info) {
        String repository = ImageRef.parse(image).repository();
        List<String> digests = info.getRepoDigests() == null ? List.of() : info.getRepoDigests();
        for (String d : digests) {
            int at = d.indexOf('@');
            if (at > 0 && d.substring(0, at).equals(repository)) {
                return d.substring(at + 1);
            }
        }
        return info.getId();
    }
}
