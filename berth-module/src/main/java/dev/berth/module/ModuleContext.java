package dev.berth.module;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.Platform;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.crypto.MasterKey;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The infrastructure every module shares, built once by the server: nothing here belongs to a
 * service family. Module-specific settings (ports, address ranges, timeouts) go to each module's
 * own constructor instead.
 *
 * @param vertx the one Vert.x instance (event loops, timers, HTTP clients)
 * @param mapper Berth's JSON mapper
 * @param store the state store all modules share (each keeps its own document kinds)
 * @param docs typed access to the store's documents
 * @param platform account id and region, for ARNs
 * @param clock wall time (tests may pass another)
 * @param dataDir the server's data directory; a module keeps its files in a subdirectory named for it
 * @param masterKey the key that seals secrets at rest (access keys, KMS key material)
 * @param endpoint the server's own URL, known once the front door listens (registry URIs, agents)
 */
public record ModuleContext(
        Vertx vertx,
        ObjectMapper mapper,
        StateStore store,
        Documents docs,
        Platform platform,
        Clock clock,
        Path dataDir,
        MasterKey masterKey,
        Supplier<URI> endpoint) {}
