/**
 * The agent's task engine: runs ECS-style tasks (EC2 launch type) as containers on one Docker
 * Engine. It is data in, events out, with no server, HTTP or ECS API types, so the agent protocol
 * can be layered on top.
 *
 * <h2>Using it</h2>
 *
 * <pre>{@code
 * TaskEngine engine = TaskEngine.open(
 *     EngineConfig.defaults("i-0abc", "127.0.0.11").withImagePullBehavior(ImagePullBehavior.DEFAULT),
 *     event -> outbox.add(event));            // TaskStateChange / ContainerStateChange
 * engine.start(taskSpec);                      // idempotent per task ARN
 * engine.stop(taskArn, "Task stopped by user"); // stopCode UserInitiated
 * engine.tasks();                              // snapshots
 * engine.close();                              // containers keep running; the next open() adopts them
 * }</pre>
 *
 * <h2>Turning a task definition and RunTask into a {@link dev.berth.agent.engine.TaskSpec}</h2>
 *
 * The server does this before handing the task to the agent:
 * <ul>
 *   <li>{@code taskArn}, {@code clusterName}, {@code family}, {@code revision} from the task and
 *       its task definition; {@code networkMode} from the task definition ({@code bridge} when
 *       absent; {@code awsvpc} is not supported by this engine); task-level {@code cpu} and
 *       {@code memory} (strings in ECS, integers here) after {@code overrides.cpu/memory}.
 *   <li>One {@link dev.berth.agent.engine.ContainerSpec} per container definition, with the
 *       field names ECS uses. Apply {@code containerOverrides} first: {@code command} replaces,
 *       {@code environment} entries are merged over the definition's (the list of
 *       {@code {name, value}} becomes a map), {@code cpu}, {@code memory},
 *       {@code memoryReservation} replace. Resolve {@code secrets} and the variables of
 *       {@code environmentFiles} (objects in Berth's S3-compatible endpoint; names that
 *       {@code environment} sets are left out) into {@code secretEnvironment}, and {@code repositoryCredentials.credentialsParameter}
 *       into {@link dev.berth.agent.engine.RegistryCredentials}; images of Berth's own registry
 *       need none, the agent supplies them via {@link dev.berth.agent.engine.EngineConfig#registryCredentials()}.
 *   <li>{@code portMappings.hostPort} absent or 0 asks for a dynamic port; the chosen port comes
 *       back in {@link dev.berth.agent.engine.ContainerState#networkBindings()}.
 *   <li>Not mapped yet: volumes/mountPoints, logConfiguration, linuxParameters, privileged,
 *       readonlyRootFilesystem, dnsServers, systemControls, resourceRequirements (GPU).
 * </ul>
 *
 * <h2>Shape of the engine</h2>
 *
 * <ul>
 *   <li>{@link dev.berth.agent.engine.TaskStatus} is the ECS lifecycle in order;
 *       {@link dev.berth.agent.engine.TaskStateMachine} is its transition table with side effects.
 *   <li>{@code TaskWorker}: one per task, a virtual thread with a mailbox, the only code that
 *       moves a task's or its containers' known status. Desired status only moves forward.
 *   <li>{@code DockerEventStream}: Docker's events (die, oom, health_status) routed to workers,
 *       with periodic re-inspection as a safety net.
 *   <li>{@code ImagePuller}: {@link dev.berth.agent.engine.ImagePullBehavior} and credentials.
 *   <li>{@code DockerContainers}: every ECS-to-Docker mapping (names, labels, ports, limits,
 *       health checks); {@code TaskCgroups}: task-level cpu/memory as a parent cgroup.
 *   <li>Docker labels ({@code com.amazonaws.ecs.*} as the ECS agent writes them, plus
 *       {@code dev.berth.instance} and {@code dev.berth.task-spec}) make restarts stateless:
 *       {@link dev.berth.agent.engine.TaskEngine#open} adopts what they describe.
 * </ul>
 */
package dev.berth.agent.engine;
