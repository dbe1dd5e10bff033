package dev.berth.model.objects;

import dev.berth.model.error.AwsException;
import java.io.IOException;

/**
 * What ECS (berth-ecs) needs from Berth's S3-compatible object store (berth-objects): the bytes of
 * a small object a starting task names in {@code environmentFiles}. berth-objects implements it;
 * the server wires it in, so neither module imports the other.
 */
@FunctionalInterface
public interface ObjectReader {

    /**
     * The object's bytes, read in a transaction of the implementation's own.
     *
     * @throws AwsException {@code NoSuchBucket} or {@code NoSuchKey} (S3's codes and messages)
     * @throws IOException when the bytes cannot be read, or the object is larger than {@code maxBytes}
     */
    byte[] read(String bucket, String key, int maxBytes) throws IOException;
}
