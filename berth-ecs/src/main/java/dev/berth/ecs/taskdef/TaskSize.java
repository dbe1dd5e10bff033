package dev.berth.ecs.taskdef;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task's CPU units and memory MiB, parsed from the strings ECS accepts.
 *
 * <p>ECS takes task-level {@code cpu} as CPU units ({@code "1024"}) or vCPUs ({@code "1 vCPU"},
 * {@code "0.25 vcpu"}) and {@code memory} as MiB ({@code "2048"}) or GB ({@code "2 GB"}, {@code "2GB"}), and
 * stores and returns the unit-less integer strings. RegisterTaskDefinition and RunTask/StartTask overrides both
 * need this conversion, so it lives here and not in a handler. Either part may be null (not specified).
 *
 * @param cpu    CPU units, or null when not specified
 * @param memory memory in MiB, or null when not specified
 */
public record TaskSize(Integer cpu, Integer memory) {

    /** CPU units in one vCPU. */
    public static final int UNITS_PER_VCPU = 1024;
    /** MiB in one GB as ECS counts it. */
    public static final int MIB_PER_GB = 1024;

    private static final Pattern NUMBER_WITH_UNIT =
            Pattern.compile("^\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*([a-zA-Z]*)\\s*$");

    /** Parses both strings; null stays null. */
    public static TaskSize parse(String cpu, String memory) {
        return new TaskSize(cpu == null ? null : parseCpu(cpu), memory == null ? null : parseMemory(memory));
    }

    /**
     * CPU units from {@code "512"}, {@code "1 vCPU"}, {@code "0.5vcpu"}, {@code ".25 vCPU"}.
     *
     * @throws dev.berth.model.error.AwsException InvalidParameterException {@code Invalid 'cpu' setting for task.}
     */
    public static int parseCpu(String raw) {
        Integer units = scaled(raw, "vcpu", UNITS_PER_VCPU);
        if (units == null || units <= 0) {
            throw TaskDefinitionErrors.invalidParameter("Invalid 'cpu' setting for task.");
        }
        return units;
    }

    /**
     * Memory MiB from {@code "2048"}, {@code "2 GB"}, {@code "2GB"}, {@code "0.5 gb"}.
     *
     * @throws dev.berth.model.error.AwsException InvalidParameterException {@code Invalid 'memory' setting for task.}
     */
    public static int parseMemory(String raw) {
        Integer mib = scaled(raw, "gb", MIB_PER_GB);
        if (mib == null || mib <= 0) {
            throw TaskDefinitionErrors.invalidParameter("Invalid 'memory' setting for task.");
        }
        return mib;
    }

    /** The normalized cpu string ECS returns, or null. */
    public String cpuText() {
        return cpu == null ? null : Integer.toString(cpu);
    }

    /** The normalized memory string ECS returns, or null. */
    public String memoryText() {
        return memory == null ? null : Integer.toString(memory);
    }

    /**
     * The number in {@code raw} times {@code factor} when the unit is {@code unit} (any case), the number itself
     * when there is no unit; null when the text is not of that form or is not a whole number afterwards.
     */
    private static Integer scaled(String raw, String unit, int factor) {
        if (raw == null) {
            return null;
        }
        Matcher m = NUMBER_WITH_UNIT.matcher(raw);
        if (!m.matches()) {
            return null;
        }
        BigDecimal value = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = m.group(2).toLowerCase(Locale.ROOT);
        if (suffix.equals(unit)) {
            value = value.multiply(BigDecimal.valueOf(factor));
        } else if (!suffix.isEmpty()) {
            return null;
        }
        try {
            return value.stripTrailingZeros().intValueExact();
        } catch (ArithmeticException notWhole) {
            return null;
        }
    }
}
