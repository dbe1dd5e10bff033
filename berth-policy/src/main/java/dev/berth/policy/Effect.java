package dev.berth.policy;

/** A statement's {@code Effect}. */
public enum Effect {
    ALLOW,
    DENY
}
