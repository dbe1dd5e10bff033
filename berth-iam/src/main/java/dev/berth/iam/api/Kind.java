package dev.berth.iam.api;

/**
 * The three IAM identities that carry policies (inline and attached), and how IAM names them in
 * its messages, its quotas and its output shapes.
 */
enum Kind {
    USER("user", Iam.USER, "UserName", "User", PolicyDocs.USER_INLINE, "PoliciesPerUser"),
    GROUP("group", Iam.GROUP, "GroupName", "Group", PolicyDocs.GROUP_INLINE, "PoliciesPerGroup"),
    ROLE("role", Iam.ROLE, "RoleName", "Role", PolicyDocs.ROLE_INLINE, "PoliciesPerRole");

    /** The word in messages and ARNs ({@code user}). */
    final String word;
    /** The store kind. */
    final String storeKind;
    /** The name member of inputs and outputs ({@code UserName}). */
    final String nameField;
    /** The capitalised word ({@code User}). */
    final String title;
    /** The quota on all inline policies of one entity together, in characters without white space. */
    final int inlineLimit;
    /** The quota name for attached managed policies (10 each). */
    final String attachedQuota;

    Kind(String word, String storeKind, String nameField, String title, int inlineLimit, String attachedQuota) {
        this.word = word;
        this.storeKind = storeKind;
        this.nameField = nameField;
        this.title = title;
        this.inlineLimit = inlineLimit;
        this.attachedQuota = attachedQuota;
    }

    /** NoSuchEntity's message: {@code The user with name ci cannot be found.} */
    String notFound(String name) {
        return "The " + word + " with name " + name + " cannot be found.";
    }
}
