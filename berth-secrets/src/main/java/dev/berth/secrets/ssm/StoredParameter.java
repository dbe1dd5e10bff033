package dev.berth.secrets.ssm;

import dev.berth.model.tag.Tag;
import dev.berth.secrets.kms.Envelope;
import java.util.List;

/**
 * One SSM parameter as the store keeps it: the head document (kind {@code ssm-param}, key = the
 * parameter name) holds the newest version and the tags; every version, the newest included, also
 * has its own document (kind {@code ssm-param-version}, key = name + {@code #} + version padded to
 * 10 digits; {@code #} cannot occur in a name) for history, selectors and labels.
 *
 * <p>A SecureString's value is never stored: {@link Version#sealed} holds it envelope-encrypted
 * under its KMS key with the parameter's ARN as encryption context; {@link Version#value} is then null.
 */
public record StoredParameter(String name, Version current, List<Tag> tags) {

    public StoredParameter {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** One version of a parameter with the metadata it was written with. */
    public record Version(
            long version,
            String type,
            String value,
            Envelope.Sealed sealed,
            String keyId,
            String description,
            String allowedPattern,
            String tier,
            String dataType,
            List<String> labels,
            long lastModifiedMillis,
            String lastModifiedUser) {
        public Version {
            labels = labels == null ? List.of() : List.copyOf(labels);
        }

        Version withLabels(List<String> l) {
            return new Version(
                    version,
                    type,
                    value,
                    sealed,
                    keyId,
                    description,
                    allowedPattern,
                    tier,
                    dataType,
                    l,
                    lastModifiedMillis,
                    lastModifiedUser);
        }
    }

    StoredParameter withCurrent(Version v) {
        return new StoredParameter(name, v, tags);
    }

    StoredParameter withTags(List<Tag> t) {
        return new StoredParameter(name, current, t);
    }
}
