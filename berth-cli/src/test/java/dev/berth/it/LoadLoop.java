package dev.berth.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A steady HTTP client for load balancer tests: one thread sending GET requests, each on a new
 * connection, back to back (with a short pause), through {@link LbBackends#request}, recording when
 * each was sent and how it ended (status and body, or the I/O error). Tests start it, change
 * something under it (kill a container, roll a deployment), stop it and then judge every answer.
 */
final class LoadLoop implements AutoCloseable {

    /** One request: sent at {@code sentNanos} (System.nanoTime), answered with {@code status} (-1: I/O error). */
    record Result(long sentNanos, int status, String body, String error) {
        boolean ok() {
            return status == 200;
        }
    }

    private final List<Result> results = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    LoadLoop(String address, int port, String path, Map<String, String> headers, long pauseMillis) {
        thread = Thread.ofPlatform().daemon().name("load-loop").start(() -> {
            while (!stop) {
                long at = System.nanoTime();
                Result r;
                try {
                    LbBackends.Response resp = LbBackends.request(address, port, "GET", path, headers);
                    r = new Result(at, resp.status(), resp.body().trim(), null);
                } catch (RuntimeException e) {
                    r = new Result(at, -1, null, e.toString());
                }
                synchronized (results) {
                    results.add(r);
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    List<Result> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    List<Result> errors() {
        return results().stream().filter(r -> !r.ok()).toList();
    }

    /** How many requests have been answered 200 so far. */
    long successes() {
        return results().stream().filter(Result::ok).count();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(60_000);
    }
}
