package dev.berth.agent.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the Docker test classes whose tests can share one engine (distinct task ARNs): one
 * {@link DockerFixture} and one {@link TaskEngine} per class, cleaned up after the class.
 */
abstract class SharedEngine {
    static DockerFixture docker;
    static TaskEngine engine;

    @BeforeAll
    static void openEngine() {
        docker = new DockerFixture();
        engine = docker.open();
    }

    @AfterAll
    static void closeEngine() throws Exception {
        docker.close();
    }
}
