package dev.berth.metrics;

/**
 * CloudWatch's units ({@code StandardUnit} in the API model), with the names the API uses.
 *
 * <p>Exists so the engine can keep data of one metric in different units apart, as CloudWatch
 * does: a series is (metric, unit), and a query without a unit reads every unit of the metric.
 */
public enum StandardUnit {
    SECONDS("Seconds"),
    MICROSECONDS("Microseconds"),
    MILLISECONDS("Milliseconds"),
    BYTES("Bytes"),
    KILOBYTES("Kilobytes"),
    MEGABYTES("Megabytes"),
    GIGABYTES("Gigabytes"),
    TERABYTES("Terabytes"),
    BITS("Bits"),
    KILOBITS("Kilobits"),
    MEGABITS("Megabits"),
    GIGABITS("Gigabits"),
    TERABITS("Terabits"),
    PERCENT("Percent"),
    COUNT("Count"),
    BYTES_PER_SECOND("Bytes/Second"),
    KILOBYTES_PER_SECOND("Kilobytes/Second"),
    MEGABYTES_PER_SECOND("Megabytes/Second"),
    GIGABYTES_PER_SECOND("Gigabytes/Second"),
    TERABYTES_PER_SECOND("Terabytes/Second"),
    BITS_PER_SECOND("Bits/Second"),
    KILOBITS_PER_SECOND("Kilobits/Second"),
    MEGABITS_PER_SECOND("Megabits/Second"),
    GIGABITS_PER_SECOND("Gigabits/Second"),
    TERABITS_PER_SECOND("Terabits/Second"),
    COUNT_PER_SECOND("Count/Second"),
    NONE("None");

    private final String apiName;

    StandardUnit(String apiName) {
        this.apiName = apiName;
    }

    /** The name in the API ({@code Bytes/Second}). */
    public String apiName() {
        return apiName;
    }

    /** The unit for an API name; {@link IllegalArgumentException} for anything else. */
    public static StandardUnit fromApiName(String name) {
        for (StandardUnit u : values()) {
            if (u.apiName.equals(name)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown unit " + name);
    }
}
