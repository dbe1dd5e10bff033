package dev.berth.policy;

/**
 * A statement that decided (or contributed to) a decision: SimulatePrincipalPolicy's
 * MatchedStatements ({@code SourcePolicyId}, {@code SourcePolicyType}, {@code StartPosition},
 * {@code EndPosition}) come from here.
 */
public record MatchedStatement(String sourcePolicyId, PolicyType policyType, Statement statement) {}
