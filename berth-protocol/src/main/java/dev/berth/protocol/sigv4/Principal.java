package dev.berth.protocol.sigv4;

import java.util.Objects;

/**
 * Who signed a verified request, handed from authentication to IAM authorization and the API handlers.
 *
 * @param accessKeyId  the access key id from the credential scope
 * @param region       the region the request was signed for (always the server's region)
 * @param service      the signing name the request was signed for, e.g. {@code ecs}
 * @param sessionToken the {@code X-Amz-Security-Token} of temporary credentials, or {@code null}
 */
public record Principal(String accessKeyId, String region, String service, String sessionToken) {
    public Principal {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(service, "service");
    }
}
