package dev.berth.policy;

/**
 * How IAM measures a policy against its size quotas (6,144 characters for a managed policy, 2,048
 * for a user's inline policies together, 10,240 for a role's, 2,048 for a session policy): IAM does
 * not count white space. The quotas themselves are the IAM module's business.
 */
public final class PolicySize {

    private PolicySize() {}

    /** Characters of {@code json} that are not white space (space, tab, CR, LF, ...). */
    public static int countWithoutWhitespace(String json) {
        int n = 0;
        for (int i = 0; i < json.length(); i++) {
            if (!Character.isWhitespace(json.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** All characters, white space included (for quotas that count it). */
    public static int count(String json) {
        return json.length();
    }
}
