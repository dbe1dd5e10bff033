package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the load balancer tour ({@code cli/elb-tour.sh}) with the real AWS CLI against a real server
 * and a real HTTP backend (the JDK's HttpServer on an address of the test loopback block): the
 * ALB answers curl at its DNSName, and bad input gets ELBv2's error codes.
 */
class ElbCliIT extends WithServer {

    @Test
    void theLoadBalancerTourWorksWithTheAwsCli() throws Exception {
        String aws = System.getenv().getOrDefault("BERTH_AWS_CLI", "/usr/bin/aws");
        assertThat(new File(aws).canExecute()).as("the AWS CLI at %s is executable", aws).isTrue();
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.2.220", 0), 0);
        backend.createContext("/", ex -> {
            byte[] body = "hello from the backend".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        try {
            Path script = Path.of(getClass().getResource("/cli/elb-tour.sh").toURI());
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
            pb.environment().put("AWS", aws);
            pb.environment().put("ENDPOINT", server.endpoint().toString());
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", server.dataDir().resolve("credentials").toString());
            pb.environment().put("BACKEND", "127.0.2.220");
            pb.environment().put("BACKEND_PORT", String.valueOf(backend.getAddress().getPort()));
            pb.environment().put("LISTENER_PORT", String.valueOf(20000 + new java.util.Random().nextInt(20000)));
            pb.environment().remove("AWS_ACCESS_KEY_ID");
            pb.environment().remove("AWS_SECRET_ACCESS_KEY");
            pb.environment().remove("AWS_PROFILE");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            Files.writeString(Path.of("target", "elb-cli-tour.log"), out);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("elb tour complete");
        } finally {
            backend.stop(0);
        }
    }
}
