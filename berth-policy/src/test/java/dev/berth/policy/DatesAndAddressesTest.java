package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatesAndAddressesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-12-08T01:02:03Z",
                "2026-12-08T01:02:03.5Z",
                "2026-12-08T01:02:03.123Z",
                "2026-12-08T01:02:03.123456789Z",
                "1969-12-31T23:59:59Z",
                "2024-02-29T00:00:00Z"
            })
    void fastPathAgreesWithJavaTime(String text) {
        assertThat(Dates.parse(text)).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2025-12-08|1765152000000",
                "2025-12-08T01:00:00+01:00|1765152000000",
                "2025-12-08T00:00:00|1765152000000",
                "1765152000|1765152000000",
                "1765152000.5|1765152000500"
            })
    void otherForms(String text, long millis) {
        assertThat(Dates.parse(text)).isEqualTo(millis);
        assertThat(OffsetDateTime.parse("2025-12-08T00:00:00Z").toInstant().toEpochMilli())
                .isEqualTo(1765152000000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "yesterday", "2026-12-08T25:00:00Z", ""})
    void notDates(String text) {
        assertThat(Dates.parse(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0/8|10.255.0.1|true",
                "10.0.0.0/8|11.0.0.1|false",
                "192.0.2.1|192.0.2.1|true",
                "192.0.2.1/32|192.0.2.2|false",
                "0.0.0.0/0|8.8.8.8|true",
                "2001:db8::/32|2001:DB8:ffff::1|true",
                "2001:db8::/32|2001:db9::1|false",
                "::/0|::1|true",
                "::1|::1|true",
                "::ffff:192.0.2.0/120|::ffff:192.0.2.77|true",
                "fe80::1:2:3:4:5:6/128|fe80:0:1:2:3:4:5:6|true",
                "10.0.0.0/8|::ffff:10.0.0.1|false"
            })
    void cidrs(String block, String address, boolean contained) {
        Cidr c = Cidr.parse(block);
        assertThat(c).isNotNull();
        assertThat(c.contains(Cidr.parseAddress(address))).isEqualTo(contained);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.256",
                "10.0.0",
                "10.0.0.0/33",
                "1::2::3",
                "2001:db8::/129",
                "host.example",
                "1:2:3:4:5:6:7:8:9"
            })
    void notCidrs(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }
}
