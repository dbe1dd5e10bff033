package dev.berth.secrets.ssm;

import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parameter Store's naming rules as AWS documents them, and how a parameter reference (a name, a
 * parameter ARN, either with a {@code :version} or {@code :label} selector) is read.
 *
 * <ul>
 *   <li>letters, digits, {@code .-_} and {@code /} for hierarchy; a name with a {@code /} must begin with one;</li>
 *   <li>at most 15 levels of hierarchy;</li>
 *   <li>not prefixed with {@code aws} or {@code ssm} (any case, with or without the leading slash);</li>
 *   <li>the full ARN ({@code arn:aws:ssm:<region>:<account>:parameter/<name>}) at most 1011 characters.</li>
 * </ul>
 */
public final class ParameterNames {

    public static final int MAX_DEPTH = 15;
    public static final int MAX_ARN_LENGTH = 1011;
    private static final Pattern CHARS = Pattern.compile("[A-Za-z0-9_.\\-/]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");
    static final String PREFIX_MESSAGE =
            "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). "
                    + "If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a "
                    + "mix of letters, numbers and the following 3 symbols .-_";

    /** A reference split into the parameter's name and its selector (null, a version, or a label). */
    public record Ref(String name, Long version, String label, String alternate) {
        String selector() {
            return version != null ? ":" + version : label != null ? ":" + label : null;
        }
    }

    private final Platform platform;

    public ParameterNames(Platform platform) {
        this.platform = platform;
    }

    public String arnOf(String name) {
        return platform.arn("ssm", "parameter" + (name.startsWith("/") ? name : "/" + name))
                .toString();
    }

    /** Checks a name for PutParameter (no ARN, no selector); ValidationException or HierarchyLevelLimitExceeded. */
    public void checkNew(String name) {
        checkChars(name);
        String bare = name.startsWith("/") ? name.substring(1) : name;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.startsWith("aws") || lower.startsWith("ssm")) {
            throw SsmErrors.validation(PREFIX_MESSAGE);
        }
        if (arnOf(name).length() > MAX_ARN_LENGTH) {
            throw SsmErrors.validation("Parameter name: the ARN of a parameter can be at most " + MAX_ARN_LENGTH
                    + " characters; '" + name.substring(0, 40) + "...' is too long.");
        }
    }

    private static void checkChars(String name) {
        if (!CHARS.matcher(name).matches()) {
            throw SsmErrors.validation(PREFIX_MESSAGE);
        }
        if (name.contains("/") && !name.startsWith("/")) {
            throw SsmErrors.validation("Parameter name must be a fully qualified name.");
        }
        if (name.contains("//") || (name.length() > 1 && name.endsWith("/"))) {
            throw SsmErrors.validation("Parameter name must be a fully qualified name.");
        }
        long levels = name.chars().filter(c -> c == '/').count();
        if (levels > MAX_DEPTH) {
            throw SsmErrors.of(
                    "HierarchyLevelLimitExceededException",
                    "A parameter name can have at most " + MAX_DEPTH + " levels of hierarchy; '" + abbreviate(name)
                            + "' has " + levels + ".");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 61) + "..." : s;
    }

    /** Reads a name or ARN with an optional selector; malformed references are ValidationExceptions. */
    public Ref parse(String reference, boolean selectorAllowed) {
        String text = reference;
        if (text.startsWith("arn:")) {
            Arn arn = Arn.parse(text)
                    .filter(a -> a.service().equals("ssm") && a.resource().startsWith("parameter/"))
                    .orElseThrow(() -> SsmErrors.validation("Invalid parameter ARN: " + abbreviate(reference)));
            if (!arn.account().equals(platform.accountId()) || !arn.region().equals(platform.region())) {
                throw SsmErrors.notFound();
            }
            // "/a/b" has the ARN .../parameter/a/b, and a top-level "x" has .../parameter/x: both
            // "/x" and "x" are candidates for a one-segment ARN
            text = arn.resource().substring("parameter".length());
        }
        boolean fromArn = reference.startsWith("arn:");
        String name = text;
        Long version = null;
        String label = null;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            if (!selectorAllowed) {
                throw SsmErrors.validation("Parameter name: " + PREFIX_MESSAGE.substring("Parameter name: ".length()));
            }
            name = text.substring(0, colon);
            String sel = text.substring(colon + 1);
            if (sel.matches("[0-9]{1,19}")) {
                version = Long.parseLong(sel);
            } else if (LABEL.matcher(sel).matches()) {
                label = sel;
            } else {
                throw SsmErrors.validation("Invalid parameter selector: " + abbreviate(reference));
            }
        }
        if (name.isEmpty()) {
            throw SsmErrors.validation("Parameter name must not be empty.");
        }
        checkChars(name);
        String alternate = fromArn && name.lastIndexOf('/') == 0 ? name.substring(1) : null;
        return new Ref(name, version, label, alternate);
    }

    /** Whether a label may be attached: AWS's label rules (InvalidLabels otherwise). */
    public static boolean validLabel(String label) {
        String lower = label.toLowerCase(Locale.ROOT);
        return LABEL.matcher(label).matches()
                && !Character.isDigit(label.charAt(0))
                && !lower.startsWith("aws")
                && !lower.startsWith("ssm");
    }

    /** Checks a GetParametersByPath path: starts with {@code /}, same characters and depth rules. */
    public static String checkPath(String path) {
        if (!path.startsWith("/") || !CHARS.matcher(path).matches() || path.contains("//")) {
            throw SsmErrors.validation("The parameter doesn't meet the parameter name requirements. The parameter name "
                    + "must begin with a forward slash \"/\".");
        }
        if (path.chars().filter(c -> c == '/').count() > MAX_DEPTH) {
            throw SsmErrors.of(
                    "HierarchyLevelLimitExceededException",
                    "A path can have at most " + MAX_DEPTH + " levels of hierarchy.");
        }
        return path.endsWith("/") ? path : path + "/";
    }
}
