package dev.berth.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Prints a wrk Lua script that replays one AWS JSON call signed by the AWS SDK's own SigV4 signer.
 * A SigV4 signature stays valid for 15 minutes, so wrk can send the same signed request many times:
 * that measures what the server can do per signed call without the SDK client's CPU cost on the
 * same two cores (bench/api-throughput.sh runs it next to the SDK numbers).
 *
 * <p>Arguments: endpoint accessKeyId secret target jsonBody [signingName, default ecs].
 */
public final class SignedRequestScript {

    public static void main(String[] args) {
        URI endpoint = URI.create(args[0]);
        byte[] body = args[4].getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest req = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", args[3])
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body))
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(AwsBasicCredentials.create(args[1], args[2]))
                        .request(req)
                        .payload(req.contentStreamProvider().orElseThrow())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, args.length > 5 ? args[5] : "ecs")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.systemUTC()))
                .request();
        StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\nwrk.body = ")
                .append(luaString(args[4]))
                .append('\n');
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length")) {
                lua.append("wrk.headers[")
                        .append(luaString(name))
                        .append("] = ")
                        .append(luaString(values.getFirst()))
                        .append('\n');
            }
        });
        System.out.print(lua);
    }

    private static String luaString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
