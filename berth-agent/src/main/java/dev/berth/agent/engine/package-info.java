/** Task engine: runs ECS-style tasks as Docker containers. */
package dev.berth.agent.engine;
