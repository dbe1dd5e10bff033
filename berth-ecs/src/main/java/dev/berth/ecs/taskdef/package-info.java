/**
 * Semantic validation and normalization of ECS {@code RegisterTaskDefinition} requests.
 *
 * <p>The API handler has already checked the request against the botocore service model (JSON types,
 * required members, enums). What remains are the rules ECS enforces beyond the model: cross-field,
 * cross-container and per-launch-type rules, and the defaults ECS fills in before it stores and returns a
 * task definition. Everything here is a pure function over Jackson trees: no I/O, no clock, no store.
 * The entry point is {@link dev.berth.ecs.taskdef.TaskDefinitionRules}.
 */
package dev.berth.ecs.taskdef;
