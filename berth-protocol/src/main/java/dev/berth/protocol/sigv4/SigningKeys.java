package dev.berth.protocol.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches SigV4 signing keys, because deriving one costs four HMACs while a client reuses the same
 * key (secret, day, region, service) for every call it makes that day.
 *
 * <p>The cache is bounded crudely: when it holds {@link #MAX_ENTRIES} keys it is emptied and refills
 * on demand. Entries only go stale when the day changes, and a secret that is rotated simply stops
 * being asked for, so no finer eviction is worth its bookkeeping.
 */
final class SigningKeys {

    static final int MAX_ENTRIES = 4096;

    private record KeyId(String secret, String date, String region, String service) {}

    private final ConcurrentHashMap<KeyId, byte[]> keys = new ConcurrentHashMap<>();

    /** The key for {@code date} (yyyyMMdd), {@code region} and {@code service}; never mutate the result. */
    byte[] signingKey(String secret, String date, String region, String service) {
        KeyId id = new KeyId(secret, date, region, service);
        byte[] key = keys.get(id);
        if (key == null) {
            key = derive(secret, date, region, service);
            if (keys.size() >= MAX_ENTRIES) {
                keys.clear();
            }
            keys.put(id, key);
        }
        return key;
    }

    int size() {
        return keys.size();
    }

    static byte[] derive(String secret, String date, String region, String service) {
        byte[] kDate = Hashing.hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        byte[] kRegion = Hashing.hmac(kDate, region);
        byte[] kService = Hashing.hmac(kRegion, service);
        return Hashing.hmac(kService, "aws4_request");
    }
}
