package dev.berth.registry.ecr;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.OperationTable;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.ShapeValidator;
import java.util.Map;
import java.util.Set;

/**
 * Amazon ECR's API (JSON 1.1, {@code AmazonEC2ContainerRegistry_V20150921}) as the front door sees
 * it: the ECR service model and the operations Berth implements, gathered from the classes that
 * own repositories, images, layer uploads and lifecycle policies. An operation the model defines
 * but nobody registered answers {@code UnknownOperationException}; nothing pretends to succeed.
 *
 * <p>UploadLayerPart takes bodies beyond the front door's usual 8 MiB: the model allows parts of
 * up to 20 MiB ({@code LayerPartBlob}), which travel base64-encoded, so about 28 MiB of JSON.
 */
public final class EcrApi extends OperationTable {

    public static final String MODEL = "aws-models/ecr-2015-09-21.json";

    public EcrApi(ServiceModel model) {
        super(model, "InvalidParameterException");
        // ECR words violations its own way: Invalid parameter at 'x' failed to satisfy constraint: '...'
        validationDialect(ShapeValidator.Dialect.ECR);
        // the model gives image tags, digests, ARNs and tag keys/values no pattern
        identifierMembers(Set.of(
                "imageTag",
                "imageDigest",
                "resourceArn",
                "Key",
                "Value",
                "tagKeys",
                "kmsKey",
                "imageManifestMediaType",
                "acceptedMediaTypes"));
        bodyLimit("UploadLayerPart", bodyForBlob(model.shape("LayerPartBlob").max()));
    }

    @Override
    public EcrApi register(Map<String, JsonOperation> ops) {
        super.register(ops);
        return this;
    }
}
