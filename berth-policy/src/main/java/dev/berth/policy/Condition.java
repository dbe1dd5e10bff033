package dev.berth.policy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * One compiled test of a statement's {@code Condition} block: an operator, its set qualifier and
 * {@code IfExists} flag, one condition key (lower-case: keys are case-insensitive) and the policy
 * values, already parsed into what the operator compares (numbers, epoch milliseconds, address
 * blocks, wildcard patterns, booleans, bytes), so evaluation parses nothing from the policy.
 *
 * <p>Semantics, as the IAM User Guide documents them: several values for one key match when any
 * matches (for a negated operator: when none matches); an absent key makes a positive operator
 * false and a negated one true, unless the operator ends in {@code IfExists} (then true);
 * {@code ForAnyValue} needs at least one request value to satisfy the operator (false on an absent or
 * empty key), {@code ForAllValues} needs every request value to (true on an absent or empty key);
 * {@code Null} tests absence. A request value that cannot be read as the operator's type (a number,
 * a date, an address, an ARN) matches no policy value.
 */
record Condition(ConditionOperator operator, Qualifier qualifier, boolean ifExists, String key, Object[] values) {

    /** The set operator prefix. */
    enum Qualifier {
        NONE,
        FOR_ANY_VALUE,
        FOR_ALL_VALUES
    }

    /** Reads the policy values for {@code operator}; values that cannot be read become null (never match). */
    static Object[] compileValues(ConditionOperator operator, List<String> raw, boolean variables) {
        Object[] out = new Object[raw.size()];
        for (int i = 0; i < out.length; i++) {
            String s = raw.get(i);
            out[i] = switch (operator.family) {
                case STRING, STRING_IGNORE_CASE -> Glob.compile(s, false, variables, false);
                case STRING_LIKE -> Glob.compile(s, true, variables, false);
                case ARN -> arnPattern(s, variables);
                case NUMERIC -> number(s);
                case DATE -> Dates.parse(s);
                case BOOL, NULL ->
                    s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
                case BINARY -> base64(s);
                case IP -> Cidr.parse(s);
            };
        }
        return out;
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An ARN value as six segment patterns (wildcards stay inside a segment), or one whole pattern. */
    private static Glob[] arnPattern(String s, boolean variables) {
        List<String> parts = Arns.split(s);
        if (parts == null) {
            return new Glob[] {Glob.compile(s, true, variables, false)};
        }
        Glob[] g = new Glob[6];
        for (int i = 0; i < 6; i++) {
            g[i] = Glob.compile(parts.get(i), true, variables, false);
        }
        return g;
    }

    /** {@link Glob#MATCH}, {@link Glob#NO_MATCH} or {@link Glob#UNRESOLVED} for this request. */
    int evaluate(RequestContext context) {
        ContextValue[] present = context.values(key);
        boolean absent = present == null || present.length == 0;
        if (operator.family == ConditionOperator.Family.NULL) {
            for (Object v : values) {
                if (v != null && (Boolean) v == absent) {
                    return Glob.MATCH;
                }
            }
            return Glob.NO_MATCH;
        }
        boolean negated = operator.negated;
        switch (qualifier) {
            case FOR_ALL_VALUES -> {
                if (absent) {
                    return Glob.MATCH;
                }
                for (ContextValue v : present) {
                    int r = matchAny(v, context);
                    if (r == Glob.UNRESOLVED) {
                        return r;
                    }
                    if ((r == Glob.MATCH) == negated) {
                        return Glob.NO_MATCH;
                    }
                }
                return Glob.MATCH;
            }
            case FOR_ANY_VALUE -> {
                if (absent) {
                    return ifExists ? Glob.MATCH : Glob.NO_MATCH;
                }
                for (ContextValue v : present) {
                    int r = matchAny(v, context);
                    if (r == Glob.UNRESOLVED) {
                        return r;
                    }
                    if ((r == Glob.MATCH) != negated) {
                        return Glob.MATCH;
                    }
                }
                return Glob.NO_MATCH;
            }
            default -> {
                if (absent) {
                    return ifExists || negated ? Glob.MATCH : Glob.NO_MATCH;
                }
                // Without a qualifier a multivalued key matches when any of its values matches
                // (negated: when none does).
                for (ContextValue v : present) {
                    int r = matchAny(v, context);
                    if (r != Glob.NO_MATCH) {
                        return r == Glob.UNRESOLVED ? r : negated ? Glob.NO_MATCH : Glob.MATCH;
                    }
                }
                return negated ? Glob.MATCH : Glob.NO_MATCH;
            }
        }
    }

    /** Whether the request value equals/matches any policy value (the positive form of the operator). */
    private int matchAny(ContextValue v, RequestContext context) {
        int result = Glob.NO_MATCH;
        for (Object p : values) {
            if (p == null) {
                continue;
            }
            int r = matchOne(v, p, context);
            if (r == Glob.UNRESOLVED) {
                return r;
            }
            if (r == Glob.MATCH) {
                result = Glob.MATCH;
            }
        }
        return result;
    }

    private int matchOne(ContextValue v, Object p, RequestContext context) {
        switch (operator.family) {
            case STRING, STRING_LIKE:
                return ((Glob) p).matches(v.text, context);
            case STRING_IGNORE_CASE: {
                String resolved = ((Glob) p).resolve(context);
                return resolved == null ? Glob.UNRESOLVED : resolved.equalsIgnoreCase(v.text) ? 1 : 0;
            }
            case ARN:
                return matchArn((Glob[]) p, v.text, context);
            case NUMERIC: {
                BigDecimal n = v.number();
                return n != null && ConditionOperator.Compare.test(operator.compare, n.compareTo((BigDecimal) p))
                        ? 1
                        : 0;
            }
            case DATE: {
                Long d = v.epochMillis();
                return d != null && ConditionOperator.Compare.test(operator.compare, Long.compare(d, (Long) p)) ? 1 : 0;
            }
            case BOOL:
                return v.text.equalsIgnoreCase(((Boolean) p) ? "true" : "false") ? 1 : 0;
            case BINARY:
                return Arrays.equals(base64(v.text), (byte[]) p) ? 1 : 0;
            case IP:
                return ((Cidr) p).contains(v.address()) ? 1 : 0;
            default:
                return 0;
        }
    }

    private static int matchArn(Glob[] pattern, String value, RequestContext context) {
        if (pattern.length == 1) {
            return pattern[0].matches(value, context);
        }
        int start = 0;
        int result = Glob.MATCH;
        for (int i = 0; i < 6; i++) {
            int end = i == 5 ? value.length() : value.indexOf(':', start);
            if (end < 0) {
                return Glob.NO_MATCH;
            }
            int r = pattern[i].matches(value.substring(start, end), context);
            if (r == Glob.UNRESOLVED) {
                return r;
            }
            if (r == Glob.NO_MATCH) {
                result = Glob.NO_MATCH;
            }
            start = end + 1;
        }
        return result;
    }

    @Override
    public String toString() {
        return (qualifier == Qualifier.NONE ? "" : qualifier + ":") + operator.policyName + (ifExists ? "IfExists" : "")
                + " " + key + " " + Arrays.toString(values);
    }
}
