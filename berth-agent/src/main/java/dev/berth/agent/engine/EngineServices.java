package dev.berth.agent.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;

/**
 * What every worker of one engine shares: the Docker client, the agent's settings, the image
 * puller, task-level cgroups, the clock, the JSON mapper for the task-spec label, and the check run
 * before each container starts (log driver initialisation). All of it is thread-safe.
 */
record EngineServices(
        DockerClient docker,
        EngineConfig config,
        ImagePuller puller,
        TaskCgroups cgroups,
        Clock clock,
        ObjectMapper json,
        ContainerStartCheck startCheck) {

    EngineServices(
            DockerClient docker,
            EngineConfig config,
            ImagePuller puller,
            TaskCgroups cgroups,
            Clock clock,
            ObjectMapper json) {
        this(docker, config, puller, cgroups, clock, json, ContainerStartCheck.NONE);
    }

    static ObjectMapper labelMapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    Instant now() {
        return clock.instant();
    }

    /** The task spec as stored in the {@code dev.berth.task-spec} label (no credentials). */
    String labelJson(TaskSpec spec) {
        try {
            return json.writeValueAsString(spec.withoutCredentials());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    TaskSpec parseLabel(String label) {
        try {
            return json.readValue(label, TaskSpec.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
