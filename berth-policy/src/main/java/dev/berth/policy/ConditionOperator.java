package dev.berth.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * Every condition operator IAM documents, without its {@code IfExists} suffix and set qualifier
 * (those are parsed into {@link Condition}): the family says how policy values are read and compared,
 * {@code negated} that the operator is the "Not" form, which IAM evaluates as "matches none of the
 * values" and which is true when the key is absent.
 */
enum ConditionOperator {
    STRING_EQUALS("StringEquals", Family.STRING, false, 0),
    STRING_NOT_EQUALS("StringNotEquals", Family.STRING, true, 0),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING_IGNORE_CASE, false, 0),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING_IGNORE_CASE, true, 0),
    STRING_LIKE("StringLike", Family.STRING_LIKE, false, 0),
    STRING_NOT_LIKE("StringNotLike", Family.STRING_LIKE, true, 0),
    NUMERIC_EQUALS("NumericEquals", Family.NUMERIC, false, Compare.EQ),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC, true, Compare.EQ),
    NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC, false, Compare.LT),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC, false, Compare.LE),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC, false, Compare.GT),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC, false, Compare.GE),
    DATE_EQUALS("DateEquals", Family.DATE, false, Compare.EQ),
    DATE_NOT_EQUALS("DateNotEquals", Family.DATE, true, Compare.EQ),
    DATE_LESS_THAN("DateLessThan", Family.DATE, false, Compare.LT),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Family.DATE, false, Compare.LE),
    DATE_GREATER_THAN("DateGreaterThan", Family.DATE, false, Compare.GT),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Family.DATE, false, Compare.GE),
    BOOL("Bool", Family.BOOL, false, 0),
    BINARY_EQUALS("BinaryEquals", Family.BINARY, false, 0),
    IP_ADDRESS("IpAddress", Family.IP, false, 0),
    NOT_IP_ADDRESS("NotIpAddress", Family.IP, true, 0),
    ARN_EQUALS("ArnEquals", Family.ARN, false, 0),
    ARN_LIKE("ArnLike", Family.ARN, false, 0),
    ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, true, 0),
    ARN_NOT_LIKE("ArnNotLike", Family.ARN, true, 0),
    NULL("Null", Family.NULL, false, 0);

    enum Family {
        STRING,
        STRING_IGNORE_CASE,
        STRING_LIKE,
        NUMERIC,
        DATE,
        BOOL,
        BINARY,
        IP,
        ARN,
        NULL
    }

    /** Comparison of the request value (left) with the policy value (right). */
    static final class Compare {
        static final int EQ = 0;
        static final int LT = 1;
        static final int LE = 2;
        static final int GT = 3;
        static final int GE = 4;

        private Compare() {}

        static boolean test(int op, int cmp) {
            return switch (op) {
                case LT -> cmp < 0;
                case LE -> cmp <= 0;
                case GT -> cmp > 0;
                case GE -> cmp >= 0;
                default -> cmp == 0;
            };
        }
    }

    private static final Map<String, ConditionOperator> BY_NAME = new HashMap<>();

    static {
        for (ConditionOperator op : values()) {
            BY_NAME.put(op.policyName, op);
        }
    }

    final String policyName;
    final Family family;
    final boolean negated;
    final int compare;

    ConditionOperator(String policyName, Family family, boolean negated, int compare) {
        this.policyName = policyName;
        this.family = family;
        this.negated = negated;
        this.compare = compare;
    }

    /** The operator named exactly {@code name} (no suffix, no qualifier), or null. */
    static ConditionOperator byName(String name) {
        return BY_NAME.get(name);
    }
}
