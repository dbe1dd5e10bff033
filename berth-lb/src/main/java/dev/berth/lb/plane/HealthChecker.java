package dev.berth.lb.plane;

import dev.berth.lb.config.HealthCheckConf;
import dev.berth.lb.config.TargetGroupConf;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * Sends the health checks of every target group that is in use: every HealthCheckIntervalSeconds
 * an HTTP GET of the health check path (passing when the status matches the matcher) or a TCP
 * connect, each bounded by HealthCheckTimeoutSeconds, on a fresh connection as ELB does. Results
 * move each {@link Backend}'s state machine and then republish the group's routable set.
 *
 * <p>One periodic Vert.x timer per target group drives its checks; the checks themselves are
 * non-blocking, so one event loop serves all groups.
 */
final class HealthChecker {

    private final Vertx vertx;
    private final HttpClientAgent http;
    private final NetClient tcp;

    HealthChecker(Vertx vertx) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(false).setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
        this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
    }

    /** Starts checking {@code pool} at its configured interval; returns the timer id. */
    long schedule(TargetPool pool) {
        long interval = pool.conf().healthCheck().intervalSeconds() * 1000L;
        return vertx.setPeriodic(0, interval, id -> checkAll(pool));
    }

    void cancel(long timerId) {
        vertx.cancelTimer(timerId);
    }

    void checkAll(TargetPool pool) {
        for (Backend b : pool.registered()) {
            check(pool, b);
        }
    }

    void check(TargetPool pool, Backend b) {
        TargetGroupConf tg = pool.conf();
        HealthCheckConf hc = tg.healthCheck();
        if (!hc.enabled() || !pool.inUse()) {
            return;
        }
        b.checking();
        int port = hc.portFor(b.port);
        long timeoutMs = hc.timeoutSeconds() * 1000L;
        if (hc.http()) {
            RequestOptions o = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost(b.address)
                    .setPort(port)
                    .setURI(hc.path())
                    .setTimeout(timeoutMs)
                    .setConnectTimeout(timeoutMs)
                    .putHeader("User-Agent", "ELB-HealthChecker/2.0")
                    .putHeader("Connection", "close");
            http.request(o)
                    .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            int status = ar.result();
                            if (hc.matches(status)) {
                                b.passed(hc.healthyThreshold());
                            } else {
                                b.failed(
                                        hc.unhealthyThreshold(),
                                        "Target.ResponseCodeMismatch",
                                        "Health checks failed with these codes: [" + status + "]");
                            }
                        } else if (isTimeout(ar.cause())) {
                            b.failed(hc.unhealthyThreshold(), "Target.Timeout", "Request timed out");
                        } else {
                            b.failed(hc.unhealthyThreshold(), "Target.FailedHealthChecks", "Health checks failed");
                        }
                        pool.recompute();
                    });
        } else {
            tcp.connect(new io.vertx.core.net.ConnectOptions()
                            .setHost(b.address)
                            .setPort(port)
                            .setTimeout((int) timeoutMs))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            ar.result().close();
                            b.passed(hc.healthyThreshold());
                        } else if (isTimeout(ar.cause())) {
                            b.failed(hc.unhealthyThreshold(), "Target.Timeout", "Request timed out");
                        } else {
                            b.failed(hc.unhealthyThreshold(), "Target.FailedHealthChecks", "Health checks failed");
                        }
                        pool.recompute();
                    });
        }
    }

    private static boolean isTimeout(Throwable t) {
        return t != null
                && (t.getClass().getSimpleName().contains("Timeout")
                        || String.valueOf(t.getMessage()).contains("timed out"));
    }

    void close() {
        http.close();
        tcp.close();
    }
}
