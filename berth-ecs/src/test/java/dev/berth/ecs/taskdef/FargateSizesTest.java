package dev.berth.ecs.taskdef;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FargateSizesTest {

    @ParameterizedTest
    @CsvSource({
        "256,512",
        "256,2048",
        "512,1024",
        "512,4096",
        "1024,2048",
        "1024,8192",
        "2048,4096",
        "2048,16384",
        "4096,8192",
        "4096,30720",
        "8192,16384",
        "8192,61440",
        "16384,32768",
        "16384,122880",
        "8192,20480",
        "16384,40960"
    })
    void acceptsTableEdges(int cpu, int memory) {
        assertThat(FargateSizes.isValid(cpu, memory)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "256,256",
        "256,3072",
        "256,1536",
        "512,512",
        "512,5120",
        "1024,1024",
        "1024,9216",
        "2048,3072",
        "2048,17408",
        "4096,31744",
        "8192,17408",
        "8192,65536",
        "16384,36864",
        "16384,131072",
        "128,512",
        "3072,8192",
        "32768,65536"
    })
    void rejectsOutsideTable(int cpu, int memory) {
        assertThat(FargateSizes.isValid(cpu, memory)).isFalse();
    }

    @Test
    void listsOptions() {
        assertThat(FargateSizes.cpuOptions()).containsExactly(256, 512, 1024, 2048, 4096, 8192, 16384);
        assertThat(FargateSizes.memoryOptions(256)).containsExactly(512, 1024, 2048);
        assertThat(FargateSizes.memoryOptions(8192))
                .hasSize(12)
                .startsWith(16384)
                .endsWith(61440);
        assertThat(FargateSizes.memoryOptions(16384))
                .hasSize(12)
                .startsWith(32768)
                .endsWith(122880);
        assertThat(FargateSizes.memoryOptions(300)).isEmpty();
    }
}
