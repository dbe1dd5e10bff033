package dev.berth.cli.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who this agent is to its server: the container instance it registered and the secret that proves
 * it. Persisted in {@code <agent data dir>/instance.json} (mode 0600) so that a restarted agent
 * re-registers the same instance (same ARN) instead of leaving an orphan behind.
 */
public record AgentIdentity(String cluster, String instanceId, String containerInstanceArn, String secret) {

    public static final String FILE = "instance.json";

    public static Optional<AgentIdentity> load(ObjectMapper mapper, Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), AgentIdentity.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (delete it to register a new instance)", e);
        }
    }

    public void save(ObjectMapper mapper, Path dataDir) {
        try {
            PrivateFiles.write(dataDir.resolve(FILE), mapper.writeValueAsBytes(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
