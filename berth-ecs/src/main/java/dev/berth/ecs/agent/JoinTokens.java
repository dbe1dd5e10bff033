package dev.berth.ecs.agent;

import dev.berth.ecs.Kinds;
import dev.berth.model.files.PrivateFiles;
import dev.berth.store.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The join token: the shared secret an agent presents once, to register a container instance. After
 * that the agent uses its own per-instance credential, so rotating the token locks out no running
 * agent, only new registrations with the old token.
 *
 * <p>The token lives in the state store (kind {@code agent-join-token}, key {@code current}), so
 * every server sharing a PostgreSQL store accepts the same one; each server writes it to
 * {@code <data-dir>/join-token} (mode 0600) at start and after a rotation through it. Every
 * registration reads the store, so a rotation through one server takes effect on all at once.
 */
public final class JoinTokens {

    private static final String KEY = "current";

    private final StateStore store;
    private final Path file;

    public JoinTokens(StateStore store, Path dataDir) {
        this.store = store;
        this.file = dataDir.resolve("join-token");
    }

    /** Reads the stored token, creating one on first start, and writes the file. */
    public String ensure() {
        String token = store.transact(tx -> {
            var current = tx.getForUpdate(Kinds.AGENT_JOIN_TOKEN, KEY);
            if (current.isPresent()) {
                return unquote(current.get().json());
            }
            String fresh = Secrets.generate();
            tx.put(Kinds.AGENT_JOIN_TOKEN, KEY, quote(fresh));
            return fresh;
        });
        writeFile(token);
        return token;
    }

    /** Replaces the token with a new random one, rewrites the file and returns the new token. */
    public String rotate() {
        String fresh = Secrets.generate();
        store.transact(tx -> tx.put(Kinds.AGENT_JOIN_TOKEN, KEY, quote(fresh)));
        writeFile(fresh);
        return fresh;
    }

    /** True if {@code presented} is the current token (constant-time comparison). */
    public boolean accepts(String presented) {
        String current = store.read(tx ->
                tx.get(Kinds.AGENT_JOIN_TOKEN, KEY).map(e -> unquote(e.json())).orElse(null));
        return Secrets.equal(presented, current);
    }

    public Path file() {
        return file;
    }

    private void writeFile(String token) {
        PrivateFiles.write(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String token) {
        return "\"" + token + "\"";
    }

    private static String unquote(String json) {
        return json.replace("\"", "").strip();
    }
}
