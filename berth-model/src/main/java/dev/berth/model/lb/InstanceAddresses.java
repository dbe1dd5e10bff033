package dev.berth.model.lb;

import java.util.Optional;

/**
 * What the load balancers (berth-lb) need from ECS (berth-ecs) for targets of type
 * {@code instance} registered through the ELBv2 API: the host address of the registered container
 * instance with an EC2 instance id. berth-ecs implements it; the server wires it in.
 */
@FunctionalInterface
public interface InstanceAddresses {

    /** The address of the container instance whose {@code ec2InstanceId} this is, if one is registered. */
    Optional<String> hostAddress(String ec2InstanceId);
}
