package dev.berth.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Docker Engine is, in the notation of {@code DOCKER_HOST} as the docker CLI and the ECS
 * agent read it: {@code unix:///path/to/docker.sock} (a rootless engine's is
 * {@code unix:///run/user/<uid>/docker.sock}) or {@code tcp://host[:port]} (port 2375, or 2376 when
 * {@code DOCKER_TLS_VERIFY} is set; docker-java then takes the certificates from
 * {@code DOCKER_CERT_PATH}, as the docker CLI does). Unset or empty means
 * {@code unix:///var/run/docker.sock}. Other schemes ({@code ssh://}, {@code npipe://}, {@code fd://})
 * are refused with a message saying what is supported.
 */
public final class DockerHost {

    /** The engine's default endpoint on Linux. */
    public static final URI DEFAULT = URI.create("unix:///var/run/docker.sock");

    private DockerHost() {}

    /**
     * The endpoint named by a {@code --docker-host} flag if given, else by {@code DOCKER_HOST} in
     * {@code env}, else {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException when the value is not a usable endpoint
     */
    public static URI resolve(String flag, Map<String, String> env) {
        String value = flag != null && !flag.isBlank() ? flag : env.get("DOCKER_HOST");
        String tls = env.get("DOCKER_TLS_VERIFY");
        return parse(value, tls != null && !tls.isEmpty());
    }

    /**
     * Parses one {@code DOCKER_HOST} value; null or blank is {@link #DEFAULT}.
     *
     * @param tls whether TLS is on ({@code DOCKER_TLS_VERIFY}): the default TCP port is then 2376
     * @throws IllegalArgumentException when the value is not a usable endpoint
     */
    public static URI parse(String value, boolean tls) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String v = value.strip();
        int sep = v.indexOf("://");
        if (sep < 0) {
            throw invalid(v, "it has no scheme");
        }
        String scheme = v.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = v.substring(sep + 3);
        return switch (scheme) {
            case "unix" -> unix(v, rest);
            case "tcp" -> tcp(v, rest, tls);
            default -> throw invalid(v, "Berth reaches Docker Engine over unix:// or tcp:// only");
        };
    }

    private static URI unix(String value, String path) {
        if (!path.startsWith("/") || path.length() < 2) {
            throw invalid(value, "a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock");
        }
        if (path.contains("?") || path.contains("#")) {
            throw invalid(value, "a unix socket path takes no query");
        }
        return URI.create("unix://" + path);
    }

    private static URI tcp(String value, String authority, boolean tls) {
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/") || authority.contains("?") || authority.contains("#")) {
            throw invalid(value, "Berth does not support a path after tcp://host:port");
        }
        if (authority.isEmpty() || authority.startsWith(":")) {
            authority = "localhost" + authority;
        }
        URI uri;
        try {
            uri = new URI("tcp://" + authority);
        } catch (URISyntaxException e) {
            throw invalid(value, e.getReason());
        }
        if (uri.getHost() == null || uri.getUserInfo() != null) {
            throw invalid(value, "expected tcp://host:port");
        }
        int port = uri.getPort();
        if (port == -1) {
            if (authority.endsWith(":")) {
                throw invalid(value, "the port is empty");
            }
            port = tls ? 2376 : 2375;
        }
        if (port < 1 || port > 65535) {
            throw invalid(value, "the port must be 1-65535");
        }
        return URI.create("tcp://" + uri.getHost() + ":" + port);
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException("DOCKER_HOST/--docker-host '" + value + "' is not usable: " + why
                + " (unix:///var/run/docker.sock, unix:///run/user/1000/docker.sock or tcp://10.0.0.5:2375)");
    }

    /** What a Docker Engine says it is: e.g. {@code 24.0.7}, API {@code 1.43}. */
    public record EngineVersion(String version, String apiVersion) {}

    /**
     * Asks the engine at {@code host} for its version, waiting at most about {@code timeout}; empty
     * when it does not answer (no socket, refused, timed out) or answers nonsense.
     */
    public static Optional<EngineVersion> version(URI host, Duration timeout) {
        try (DockerClient docker = TaskEngine.connect(host, timeout)) {
            Version v = docker.versionCmd().exec();
            String api = v.getApiVersion();
            if (v.getVersion() == null || api == null || !api.matches("1\\.\\d+")) {
                return Optional.empty();
            }
            return Optional.of(new EngineVersion(v.getVersion(), api));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
