package dev.berth.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What registry tests share: repositories created by writing their documents into the store (until
 * the repository API's CreateRepository is merged), registry passwords, an HTTP client with Basic
 * credentials, and the docker and skopeo command lines with a private docker config directory (so
 * a test's {@code docker login} never touches the user's).
 */
final class TestRegistry {

    private final TestServer server;
    private final Path dockerConfig;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestRegistry(TestServer server) {
        this.server = server;
        try {
            this.dockerConfig = Files.createTempDirectory("berth-it-docker");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** host:port of the registry, as docker names it. */
    String host() {
        return "127.0.0.1:" + server.endpoint().getPort();
    }

    void createRepo(String name, String mutability) {
        createRepo(name, mutability, null);
    }

    void createRepo(String name, String mutability, String policyText) {
        String json = "{\"repositoryArn\":\"arn:aws:ecr:us-east-1:000000000000:repository/" + name + "\","
                + "\"registryId\":\"000000000000\",\"repositoryName\":\"" + name + "\",\"repositoryUri\":\"" + host()
                + "/" + name
                + "\",\"imageTagMutability\":\"" + mutability + "\",\"tags\":[]"
                + (policyText == null
                        ? ""
                        : ",\"policyText\":"
                                + server.server()
                                        .images()
                                        .docs()
                                        .mapper()
                                        .valueToTree(policyText)
                                        .toString())
                + "}";
        server.server().images().store().transact(tx -> tx.put("ecr-repository", name, json));
    }

    String password() {
        return server.server().registryTokens().issue(server.accessKeyId()).password();
    }

    String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("AWS:" + password()).getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.endpoint() + path)).header("Authorization", basic());
    }

    HttpResponse<String> send(HttpRequest req) throws IOException, InterruptedException {
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> sendBytes(HttpRequest req) throws IOException, InterruptedException {
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Runs docker with this test's config directory; returns exit code and combined output. */
    Result docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker", "--config", dockerConfig.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    Result login() throws IOException, InterruptedException {
        List<String> cmd = List.of(
                "docker",
                "--config",
                dockerConfig.toString(),
                "login",
                "--username",
                "AWS",
                "--password-stdin",
                host());
        return run(cmd, password());
    }

    Result skopeo(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    record Result(int code, String output) {}

    static Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
