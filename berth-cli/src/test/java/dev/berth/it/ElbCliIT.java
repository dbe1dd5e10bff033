package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the load balancer tour ({@code cli/elb-tour.sh}) with the real AWS CLI against a real server
 * and a real HTTP backend (the JDK's HttpServer on an address of the test loopback block): the
 * ALB answers curl at its DNSName, and bad input gets ELBv2's error codes.
 */
class ElbCliIT extends WithServer {

    @Test
    void theLoadBalancerTourWorksWithTheAwsCli() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(TestAddresses.ELB_CLI.ip(0), 0), 0);
        backend.createContext("/", ex -> {
            byte[] body = "hello from the backend".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        try {
            String out = CliScripts.run(
                    server,
                    "elb-tour",
                    Map.of(
                            "BACKEND",
                            TestAddresses.ELB_CLI.ip(0),
                            "BACKEND_PORT",
                            String.valueOf(backend.getAddress().getPort()),
                            "LISTENER_PORT",
                            String.valueOf(20000 + new java.util.Random().nextInt(20000))),
                    180);
            assertThat(out).contains("elb tour complete");
        } finally {
            backend.stop(0);
        }
    }
}
