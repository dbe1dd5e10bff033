package dev.berth.policy;

import java.util.Arrays;

/**
 * One compiled statement: its {@code Sid}, {@code Effect}, where it stands in the document (for
 * SimulatePrincipalPolicy's MatchedStatements), and its elements pre-split into matchers: action
 * patterns lower-cased (actions are case-insensitive), resource patterns as written (resources are
 * case-sensitive), principal entries and conditions compiled. Immutable and shared by every request.
 *
 * <p>{@link #match} checks the cheapest, most selective element first (the action), then the
 * resource, the principal and the conditions, and stops at the first that fails.
 */
public final class Statement {

    /** A line and column (both from 1) in the policy text. */
    public record Position(int line, int column) {}

    static final int NO_MATCH = -1;

    private final String sid;
    private final Effect effect;
    private final int index;
    private final Position start;
    private final Position end;
    private final Glob[] actions;
    private final boolean notAction;
    /** Null when the statement has no Resource/NotResource (resource policies): it applies to the resource. */
    private final Glob[] resources;

    private final boolean notResource;
    /** Null when the statement has no Principal/NotPrincipal (identity policies). */
    private final PrincipalPattern[] principals;

    private final boolean notPrincipal;
    private final Condition[] conditions;

    Statement(
            String sid,
            Effect effect,
            int index,
            Position start,
            Position end,
            Glob[] actions,
            boolean notAction,
            Glob[] resources,
            boolean notResource,
            PrincipalPattern[] principals,
            boolean notPrincipal,
            Condition[] conditions) {
        this.sid = sid;
        this.effect = effect;
        this.index = index;
        this.start = start;
        this.end = end;
        this.actions = actions;
        this.notAction = notAction;
        this.resources = resources;
        this.notResource = notResource;
        this.principals = principals;
        this.notPrincipal = notPrincipal;
        this.conditions = conditions;
    }

    /** The {@code Sid}, or null. */
    public String sid() {
        return sid;
    }

    public Effect effect() {
        return effect;
    }

    /** The statement's position in the document's {@code Statement} list, from 0. */
    public int index() {
        return index;
    }

    public Position start() {
        return start;
    }

    public Position end() {
        return end;
    }

    /**
     * Whether the statement applies: {@link #NO_MATCH}, or how strongly its principal element names
     * the caller (a {@link PrincipalPattern.Strength} ordinal; {@code DIRECT} without a principal
     * element).
     */
    int match(Principal principal, String action, String resource, RequestContext context) {
        if (!matchesAction(action)) {
            return NO_MATCH;
        }
        if (resources != null) {
            boolean any = false;
            for (Glob g : resources) {
                int r = g.matches(resource, context);
                if (r == Glob.UNRESOLVED) {
                    return NO_MATCH;
                }
                if (r == Glob.MATCH) {
                    any = true;
                    break;
                }
            }
            if (any == notResource) {
                return NO_MATCH;
            }
        }
        int strength = PrincipalPattern.Strength.DIRECT.ordinal();
        if (principals != null) {
            PrincipalPattern.Strength best = PrincipalPattern.Strength.NONE;
            for (PrincipalPattern p : principals) {
                PrincipalPattern.Strength s = p.match(principal);
                if (s.compareTo(best) > 0) {
                    best = s;
                }
            }
            if (notPrincipal) {
                if (best != PrincipalPattern.Strength.NONE) {
                    return NO_MATCH;
                }
            } else if (best == PrincipalPattern.Strength.NONE) {
                return NO_MATCH;
            } else {
                strength = best.ordinal();
            }
        }
        for (Condition c : conditions) {
            if (c.evaluate(context) != Glob.MATCH) {
                return NO_MATCH;
            }
        }
        return strength;
    }

    /** Actions are case-insensitive: the patterns are lower-case and {@code action} is lower-cased. */
    private boolean matchesAction(String action) {
        for (Glob g : actions) {
            if (g.matches(action, null) == Glob.MATCH) {
                return !notAction;
            }
        }
        return notAction;
    }

    @Override
    public String toString() {
        return "Statement[" + (sid == null ? "#" + index : sid) + " " + effect + " "
                + (notAction ? "NotAction" : "Action") + Arrays.toString(actions) + " "
                + (resources == null ? "" : (notResource ? "NotResource" : "Resource") + Arrays.toString(resources))
                + (conditions.length == 0 ? "" : " " + Arrays.toString(conditions)) + "]";
    }
}
