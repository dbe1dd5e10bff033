package dev.berth.lb.api;

import dev.berth.model.error.AwsException;

/** The ELBv2 errors Berth answers, with the codes and wording AWS uses. All are sender faults (HTTP 400). */
final class Errors {

    private Errors() {}

    static AwsException validation(String message) {
        return new AwsException("ValidationError", 400, message);
    }

    static AwsException of(String code, String message) {
        return new AwsException(code, 400, message);
    }

    static AwsException lbNotFound() {
        return of("LoadBalancerNotFound", "One or more load balancers not found");
    }

    static AwsException tgNotFound() {
        return of("TargetGroupNotFound", "One or more target groups not found");
    }

    static AwsException listenerNotFound() {
        return of("ListenerNotFound", "One or more listeners not found");
    }

    static AwsException ruleNotFound() {
        return of("RuleNotFound", "One or more rules not found");
    }

    static AwsException invalidConfig(String message) {
        return of("InvalidConfigurationRequest", message);
    }
}
