package dev.berth.iam.auth;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.Authorizer;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.Caller;
import dev.berth.protocol.sigv4.Dialect;

/**
 * The authorization rule while Berth stores IAM policies but does not yet evaluate them for every
 * call: the account's root credentials may do everything; IAM users' keys and STS session
 * credentials may call STS (who am I, assume a role, get a session token) and read their own IAM
 * user, and are refused everything else with AWS's AccessDenied shape and a message that says why.
 *
 * <p>Failing closed matters here: a user given a narrow policy must not get full access because the
 * policy is not enforced yet. When policy evaluation lands it replaces this class.
 */
public final class RootOnlyAuthorizer implements Authorizer {

    @Override
    public void authorize(CallContext call, String signingName, String operation, Dialect dialect) {
        Caller caller = call.caller();
        if (caller.type() == Caller.Type.ROOT
                || signingName.equals("sts")
                || (signingName.equals("iam") && operation.equals("GetUser"))) {
            return;
        }
        throw denied(caller, signingName + ":" + operation, dialect);
    }

    /** The refusal for {@code action}, in the caller's protocol's shape (JSON 400, query and S3 403). */
    public static AwsException denied(Caller caller, String action, Dialect dialect) {
        String message = "User: " + caller.arn() + " is not authorized to perform: " + action
                + " because Berth does not evaluate IAM policies yet: until it does, only the account's root"
                + " credentials may call this API (IAM users and role sessions may call STS and iam:GetUser"
                + " for themselves)";
        return switch (dialect) {
            case JSON -> new AwsException("AccessDeniedException", 400, message);
            case QUERY, S3 -> new AwsException("AccessDenied", 403, message);
        };
    }
}
