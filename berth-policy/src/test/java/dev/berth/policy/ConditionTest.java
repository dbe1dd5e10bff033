package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every condition operator, its IfExists form and the set operators, as one table: a Condition
 * block, a request context, and whether an Allow statement with that condition applies. Cases
 * marked "IAM guide" follow the IAM User Guide's condition operator and multivalued context key
 * examples.
 */
class ConditionTest {

    private static final Principal BOB = Principal.user("arn:aws:iam::111122223333:user/bob");

    static Stream<Arguments> table() {
        return Stream.of(
                // String
                row(
                        "{\"StringEquals\":{\"aws:PrincipalTag/job-category\":\"iamuser-admin\"}}",
                        ctx("aws:PrincipalTag/job-category", "iamuser-admin"),
                        true),
                row(
                        "{\"StringEquals\":{\"aws:PrincipalTag/job-category\":\"iamuser-admin\"}}",
                        ctx("aws:PrincipalTag/job-category", "IAMUSER-ADMIN"),
                        false),
                row(
                        "{\"StringEquals\":{\"AWS:PRINCIPALTAG/JOB-CATEGORY\":\"x\"}}",
                        ctx("aws:principaltag/job-category", "x"),
                        true),
                row("{\"StringEquals\":{\"aws:PrincipalTag/job-category\":\"x\"}}", ctx(), false),
                row(
                        "{\"StringEquals\":{\"ec2:InstanceType\":[\"t3.micro\",\"t3.small\"]}}",
                        ctx("ec2:InstanceType", "t3.small"),
                        true),
                row(
                        "{\"StringNotEquals\":{\"ec2:InstanceType\":[\"t3.micro\",\"t3.small\"]}}",
                        ctx("ec2:InstanceType", "t3.small"),
                        false),
                row(
                        "{\"StringNotEquals\":{\"ec2:InstanceType\":[\"t3.micro\",\"t3.small\"]}}",
                        ctx("ec2:InstanceType", "m5.large"),
                        true),
                // a negated operator on an absent key is true (IAM guide)
                row("{\"StringNotEquals\":{\"ec2:InstanceType\":\"t3.micro\"}}", ctx(), true),
                row(
                        "{\"StringEqualsIgnoreCase\":{\"aws:PrincipalTag/team\":\"Web\"}}",
                        ctx("aws:PrincipalTag/team", "WEB"),
                        true),
                row(
                        "{\"StringNotEqualsIgnoreCase\":{\"aws:PrincipalTag/team\":\"Web\"}}",
                        ctx("aws:PrincipalTag/team", "wEb"),
                        false),
                row(
                        "{\"StringLike\":{\"s3:prefix\":[\"\",\"home/\",\"home/${aws:username}/*\"]}}",
                        ctx("s3:prefix", "home/bob/docs", "aws:username", "bob"),
                        true),
                row(
                        "{\"StringLike\":{\"s3:prefix\":[\"home/${aws:username}/*\"]}}",
                        ctx("s3:prefix", "home/alice/docs", "aws:username", "bob"),
                        false),
                row("{\"StringNotLike\":{\"s3:prefix\":\"home/*\"}}", ctx("s3:prefix", "tmp/x"), true),
                row("{\"StringNotLike\":{\"s3:prefix\":\"home/*\"}}", ctx("s3:prefix", "home/x"), false),
                row(
                        "{\"StringEquals\":{\"aws:RequestTag/owner\":\"${aws:username}\"}}",
                        ctx("aws:RequestTag/owner", "bob", "aws:username", "bob"),
                        true),
                // an unresolvable variable makes the statement not apply
                row(
                        "{\"StringEquals\":{\"aws:RequestTag/owner\":\"${aws:username}\"}}",
                        ctx("aws:RequestTag/owner", "bob"),
                        false),
                row(
                        "{\"StringEquals\":{\"aws:RequestTag/owner\":\"${aws:username, 'nobody'}\"}}",
                        ctx("aws:RequestTag/owner", "nobody"),
                        true),
                row(
                        "{\"StringEquals\":{\"aws:RequestTag/team\":\"${aws:PrincipalTag/team}\"}}",
                        ctx("aws:RequestTag/team", "web", "aws:PrincipalTag/team", "web"),
                        true),
                // Numeric
                row("{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "10"), true),
                row("{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "11"), false),
                row("{\"NumericLessThan\":{\"s3:max-keys\":10}}", ctx("s3:max-keys", "9.5"), true),
                row("{\"NumericLessThan\":{\"s3:max-keys\":10}}", ctx("s3:max-keys", "10"), false),
                row("{\"NumericGreaterThan\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "11"), true),
                row("{\"NumericGreaterThanEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "10.0"), true),
                row("{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "10.00"), true),
                row("{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "10"), false),
                row("{\"NumericEquals\":{\"s3:max-keys\":\"10\"}}", ctx("s3:max-keys", "ten"), false),
                // Date: ISO 8601 and epoch seconds
                row(
                        "{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-04-01T00:00:00Z\"}}",
                        ctx("aws:CurrentTime", "2026-12-08T01:00:00Z"),
                        true),
                row(
                        "{\"DateLessThan\":{\"aws:CurrentTime\":\"2020-06-30T23:59:59Z\"}}",
                        ctx("aws:CurrentTime", "2026-12-08T01:00:00Z"),
                        false),
                row(
                        "{\"DateLessThanEquals\":{\"aws:CurrentTime\":\"2026-12-08\"}}",
                        ctx("aws:CurrentTime", "2026-12-08T00:00:00Z"),
                        true),
                row(
                        "{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":\"2026-12-08T02:00:00+01:00\"}}",
                        ctx("aws:CurrentTime", "2026-12-08T01:00:00Z"),
                        true),
                row(
                        "{\"DateEquals\":{\"aws:EpochTime\":\"1765155600\"}}",
                        ctx("aws:EpochTime", "2025-12-08T01:00:00Z"),
                        true),
                row(
                        "{\"DateEquals\":{\"aws:CurrentTime\":\"2025-12-08T01:00:00.000Z\"}}",
                        ctx("aws:CurrentTime", "1765155600"),
                        true),
                row(
                        "{\"DateNotEquals\":{\"aws:CurrentTime\":\"2025-12-08T01:00:00Z\"}}",
                        ctx("aws:CurrentTime", "2025-12-08T01:00:01Z"),
                        true),
                row(
                        "{\"DateGreaterThan\":{\"aws:TokenIssueTime\":\"2020-01-01T00:00:00Z\"}}",
                        ctx("aws:TokenIssueTime", "yesterday"),
                        false),
                // Bool
                row("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}", ctx("aws:SecureTransport", "true"), true),
                row("{\"Bool\":{\"aws:SecureTransport\":true}}", ctx("aws:SecureTransport", "TRUE"), true),
                row("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}", ctx("aws:SecureTransport", "true"), false),
                row("{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}", ctx(), false),
                row("{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}", ctx(), true),
                row(
                        "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}",
                        ctx("aws:MultiFactorAuthPresent", "true"),
                        false),
                // Binary
                row(
                        "{\"BinaryEquals\":{\"s3:x-amz-key\":\"QmluYXJ5VmFsdWVJbkJhc2U2NA==\"}}",
                        ctx("s3:x-amz-key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
                        true),
                row(
                        "{\"BinaryEquals\":{\"s3:x-amz-key\":\"QmluYXJ5VmFsdWVJbkJhc2U2NA==\"}}",
                        ctx("s3:x-amz-key", "QmluYXJ5"),
                        false),
                // IP addresses, v4 and v6 (IAM guide: 203.0.113.0/24 and 2001:DB8:1234:5678::/64)
                row("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", ctx("aws:SourceIp", "203.0.113.77"), true),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", ctx("aws:SourceIp", "203.0.114.1"), false),
                row(
                        "{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"2001:DB8:1234:5678::/64\"]}}",
                        ctx("aws:SourceIp", "2001:db8:1234:5678:abcd::1"),
                        true),
                row(
                        "{\"IpAddress\":{\"aws:SourceIp\":\"2001:DB8:1234:5678::/64\"}}",
                        ctx("aws:SourceIp", "2001:db8:1234:5679::1"),
                        false),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"10.1.2.3\"}}", ctx("aws:SourceIp", "10.1.2.3"), true),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/9\"}}", ctx("aws:SourceIp", "10.127.255.255"), true),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/9\"}}", ctx("aws:SourceIp", "10.128.0.0"), false),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", ctx("aws:SourceIp", "::1"), false),
                row(
                        "{\"NotIpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"203.0.113.0/24\"]}}",
                        ctx("aws:SourceIp", "198.51.100.7"),
                        true),
                row(
                        "{\"NotIpAddress\":{\"aws:SourceIp\":[\"192.0.2.0/24\",\"203.0.113.0/24\"]}}",
                        ctx("aws:SourceIp", "192.0.2.9"),
                        false),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", ctx("aws:SourceIp", "not-an-ip"), false),
                // ARN operators compare segment by segment
                row(
                        "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:111122223333:*\"}}",
                        ctx("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"),
                        true),
                row(
                        "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:111122223333:*\"}}",
                        ctx("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"),
                        false),
                row(
                        "{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::bucket-?\"}}",
                        ctx("aws:SourceArn", "arn:aws:s3:::bucket-a"),
                        true),
                // a '*' in the region segment does not reach into the account segment
                row(
                        "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:u*:2:topic\"}}",
                        ctx("aws:SourceArn", "arn:aws:sns:us-east-1:111:2:topic"),
                        false),
                row(
                        "{\"ArnNotEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/admin\"}}",
                        ctx("aws:PrincipalArn", "arn:aws:iam::111122223333:role/dev"),
                        true),
                row(
                        "{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/admin*\"}}",
                        ctx("aws:PrincipalArn", "arn:aws:iam::111122223333:role/admin-2"),
                        false),
                row(
                        "{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:iam::111122223333:user/${aws:username}\"}}",
                        ctx("aws:SourceArn", "arn:aws:iam::111122223333:user/bob", "aws:username", "bob"),
                        true),
                row("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:*:*\"}}", ctx("aws:SourceArn", "topic"), false),
                // Null
                row("{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}", ctx(), true),
                row(
                        "{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}",
                        ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"),
                        false),
                row(
                        "{\"Null\":{\"aws:TokenIssueTime\":\"false\"}}",
                        ctx("aws:TokenIssueTime", "2026-01-01T00:00:00Z"),
                        true),
                row("{\"Null\":{\"aws:TagKeys\":\"false\"}}", multi("aws:TagKeys"), false),
                // IfExists
                row("{\"StringEqualsIfExists\":{\"ec2:InstanceType\":\"t3.micro\"}}", ctx(), true),
                row(
                        "{\"StringEqualsIfExists\":{\"ec2:InstanceType\":\"t3.micro\"}}",
                        ctx("ec2:InstanceType", "m5.large"),
                        false),
                row("{\"NumericLessThanIfExists\":{\"s3:max-keys\":\"10\"}}", ctx(), true),
                row(
                        "{\"IpAddressIfExists\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}",
                        ctx("aws:SourceIp", "11.0.0.1"),
                        false),
                // Several keys in one operator, several operators: all must hold
                row(
                        "{\"StringEquals\":{\"aws:PrincipalTag/a\":\"1\",\"aws:PrincipalTag/b\":\"2\"}}",
                        ctx("aws:PrincipalTag/a", "1", "aws:PrincipalTag/b", "2"),
                        true),
                row(
                        "{\"StringEquals\":{\"aws:PrincipalTag/a\":\"1\",\"aws:PrincipalTag/b\":\"2\"}}",
                        ctx("aws:PrincipalTag/a", "1", "aws:PrincipalTag/b", "3"),
                        false),
                row(
                        "{\"StringEquals\":{\"aws:PrincipalTag/a\":\"1\"},\"Bool\":{\"aws:SecureTransport\":\"true\"}}",
                        ctx("aws:PrincipalTag/a", "1", "aws:SecureTransport", "false"),
                        false),
                // ForAllValues (IAM guide: true when the key is absent or empty; every value must match one)
                row(
                        "{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"key1*\"]}}",
                        multi("aws:TagKeys", "key1a", "key1b"),
                        true),
                row(
                        "{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"key1*\"]}}",
                        multi("aws:TagKeys", "key1a", "key2"),
                        false),
                row("{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"key1*\"]}}", ctx(), true),
                row("{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"key1*\"]}}", multi("aws:TagKeys"), true),
                row(
                        "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"Department\",\"Project\"]}}",
                        multi("aws:TagKeys", "Department", "Project"),
                        true),
                row(
                        "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"Department\",\"Project\"]}}",
                        multi("aws:TagKeys", "Department", "Owner"),
                        false),
                row(
                        "{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":[\"secret\"]}}",
                        multi("aws:TagKeys", "a", "b"),
                        true),
                row(
                        "{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":[\"secret\"]}}",
                        multi("aws:TagKeys", "a", "secret"),
                        false),
                // ForAnyValue (false when the key is absent or empty; one value matching suffices)
                row(
                        "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"webserver\"]}}",
                        multi("aws:TagKeys", "webserver", "other"),
                        true),
                row(
                        "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"webserver\"]}}",
                        multi("aws:TagKeys", "other"),
                        false),
                row("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"webserver\"]}}", ctx(), false),
                row("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"webserver\"]}}", multi("aws:TagKeys"), false),
                row("{\"ForAnyValue:StringEqualsIfExists\":{\"aws:TagKeys\":[\"webserver\"]}}", ctx(), true),
                row(
                        "{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":[\"a\"]}}",
                        multi("aws:TagKeys", "a", "b"),
                        true),
                row("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":[\"a\"]}}", multi("aws:TagKeys", "a"), false),
                row(
                        "{\"ForAnyValue:IpAddress\":{\"aws:SourceIpList\":[\"10.0.0.0/8\"]}}",
                        multi("aws:SourceIpList", "192.0.2.1", "10.9.9.9"),
                        true),
                // without a set operator a multivalued key matches when any value matches
                row("{\"StringEquals\":{\"aws:TagKeys\":\"b\"}}", multi("aws:TagKeys", "a", "b"), true),
                row("{\"StringNotEquals\":{\"aws:TagKeys\":\"b\"}}", multi("aws:TagKeys", "a", "b"), false));
    }

    private static Arguments row(String condition, RequestContext context, boolean applies) {
        return Arguments.of(condition, context, applies);
    }

    private static RequestContext ctx(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return RequestContext.of(m);
    }

    private static RequestContext multi(String key, String... values) {
        return RequestContext.builder().putAll(key, List.of(values)).build();
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("table")
    void condition(String condition, RequestContext context, boolean applies) {
        Policy p = Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
                        + "\"Condition\":" + condition + "}}",
                PolicyKind.IDENTITY);
        Decision d = PolicyEvaluator.evaluate(Request.of(BOB, "ecs:ListClusters", "*", context), PolicySet.identity(p));
        assertThat(d.allowed()).isEqualTo(applies);
    }
}
