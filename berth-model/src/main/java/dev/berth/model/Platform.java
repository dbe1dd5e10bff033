package dev.berth.model;

import dev.berth.model.arn.Arn;

/**
 * The account and region this Berth installation pretends to be, used in every ARN it issues.
 *
 * @param accountId a 12-digit account id, default {@code 000000000000}
 * @param region an AWS region name, default {@code us-east-1}
 */
public record Platform(String accountId, String region) {

    public Platform {
        if (accountId == null || !accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("account id must be 12 digits: " + accountId);
        }
        if (region == null || !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
    }

    public Arn arn(String service, String resource) {
        return Arn.of(service, region, accountId, resource);
    }
}
