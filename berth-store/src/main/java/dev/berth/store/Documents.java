package dev.berth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Maps the control plane's records to and from the store's JSON documents with one
 * {@link ObjectMapper}, so that no handler hand-writes (de)serialization.
 */
public final class Documents {

    private final ObjectMapper mapper;

    public Documents(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public <T> Optional<T> get(Transaction tx, String kind, String key, Class<T> type) {
        return tx.get(kind, key).map(e -> read(e, type));
    }

    public <T> Optional<T> getForUpdate(Transaction tx, String kind, String key, Class<T> type) {
        return tx.getForUpdate(kind, key).map(e -> read(e, type));
    }

    public <T> T read(Entry entry, Class<T> type) {
        try {
            return mapper.readValue(entry.json(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + entry.kind() + "/" + entry.key() + " is unreadable", e);
        }
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void put(Transaction tx, String kind, String key, Object value) {
        tx.put(kind, key, write(value));
    }

    public boolean insert(Transaction tx, String kind, String key, Object value) {
        return tx.insert(kind, key, write(value));
    }
}
