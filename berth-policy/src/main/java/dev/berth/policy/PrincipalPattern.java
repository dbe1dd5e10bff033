package dev.berth.policy;

import java.util.regex.Pattern;

/**
 * One entry of a {@code Principal}/{@code NotPrincipal} element, validated as IAM validates them and
 * compiled into what it matches: everyone ({@code "*"}, {@code {"AWS": "*"}}), an account (its id or
 * its {@code :root} ARN: every principal of the account, delegated to that account's own policies),
 * an ARN (a user, a role and its sessions, one role session, a federated user), a service, a
 * web-identity/SAML provider, or an S3 canonical user. Principals never take partial wildcards.
 */
record PrincipalPattern(Kind kind, String value) {

    enum Kind {
        ANY,
        ACCOUNT,
        ARN,
        SERVICE,
        FEDERATED,
        CANONICAL_USER
    }

    /** How strongly a principal entry names the caller; decides what a resource-policy allow may bypass. */
    enum Strength {
        NONE,
        /** Only through its account: a delegation, not a grant. */
        ACCOUNT,
        /** A role session through its role's ARN: boundary and session policies still apply. */
        ROLE,
        /** The caller itself (its ARN, its service or provider name, or {@code *}). */
        DIRECT
    }

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern AWS_ARN =
            Pattern.compile("arn:aws(-cn|-us-gov|-iso|-iso-b)?:(iam::[0-9]{12}:(root|user/.+|role/.+|federated-user/.+)"
                    + "|sts::[0-9]{12}:(assumed-role/[^/]+/.+|federated-user/.+))");

    /** Compiles one value of the {@code type} key; null when IAM would reject it. */
    static PrincipalPattern compile(String type, String value) {
        switch (type) {
            case "AWS":
                if (value.equals("*")) {
                    return new PrincipalPattern(Kind.ANY, "*");
                }
                if (value.indexOf('*') >= 0 || value.indexOf('?') >= 0) {
                    return null;
                }
                if (ACCOUNT_ID.matcher(value).matches()) {
                    return new PrincipalPattern(Kind.ACCOUNT, value);
                }
                if (!AWS_ARN.matcher(value).matches()) {
                    return null;
                }
                if (value.endsWith(":root") && value.contains(":iam::")) {
                    return new PrincipalPattern(Kind.ACCOUNT, Arns.account(value));
                }
                return new PrincipalPattern(Kind.ARN, value);
            case "Service":
                return value.isEmpty() || value.indexOf('*') >= 0 ? null : new PrincipalPattern(Kind.SERVICE, value);
            case "Federated":
                return value.isEmpty() || value.indexOf('*') >= 0 ? null : new PrincipalPattern(Kind.FEDERATED, value);
            case "CanonicalUser":
                return value.isEmpty() || value.indexOf('*') >= 0
                        ? null
                        : new PrincipalPattern(Kind.CANONICAL_USER, value);
            default:
                return null;
        }
    }

    Strength match(Principal p) {
        switch (kind) {
            case ANY:
                return Strength.DIRECT;
            case ACCOUNT:
                return !p.account().isEmpty() && p.account().equals(value) ? Strength.ACCOUNT : Strength.NONE;
            case ARN:
                if (p.arn().equals(value)) {
                    return Strength.DIRECT;
                }
                return p.type() == Principal.Type.ROLE_SESSION && value.equals(p.roleArn())
                        ? Strength.ROLE
                        : Strength.NONE;
            case SERVICE:
                return p.type() == Principal.Type.SERVICE && p.arn().equals(value) ? Strength.DIRECT : Strength.NONE;
            case FEDERATED:
                return p.type() == Principal.Type.FEDERATED && p.arn().equals(value) ? Strength.DIRECT : Strength.NONE;
            case CANONICAL_USER:
                return p.type() == Principal.Type.CANONICAL_USER && p.arn().equals(value)
                        ? Strength.DIRECT
                        : Strength.NONE;
            default:
                return Strength.NONE;
        }
    }
}
