package dev.berth.policy;

/** The role a policy plays in one evaluation (where a matched statement came from). */
public enum PolicyType {
    IDENTITY,
    RESOURCE,
    PERMISSIONS_BOUNDARY,
    SESSION
}
