package dev.berth.ecs.taskdef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.error.AwsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskSizeTest {

    @ParameterizedTest
    @CsvSource({
        "512,512",
        "1 vCPU,1024",
        "1 vcpu,1024",
        "1vcpu,1024",
        "0.25 vcpu,256",
        ".5 vCPU,512",
        "2 VCPU,2048",
        " 256 ,256",
        "1.5 vCPU,1536",
        "16 vCPU,16384"
    })
    void parsesCpuUnitsAndVcpus(String raw, int units) {
        assertThat(TaskSize.parseCpu(raw)).isEqualTo(units);
    }

    @ParameterizedTest
    @CsvSource({"2048,2048", "2 GB,2048", "2GB,2048", "0.5 gb,512", "1 GB,1024", "30GB,30720"})
    void parsesMemoryMibAndGb(String raw, int mib) {
        assertThat(TaskSize.parseMemory(raw)).isEqualTo(mib);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "1 GB", "0", "-1", "0.1 vcpu", "1,5 vcpu", "1 cpu", "99999999999"})
    void rejectsBadCpu(String raw) {
        assertThatThrownBy(() -> TaskSize.parseCpu(raw))
                .isInstanceOf(AwsException.class)
                .hasMessage("Invalid 'cpu' setting for task.")
                .extracting(e -> ((AwsException) e).code())
                .isEqualTo("InvalidParameterException");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2 TB", "2 vcpu", "0", "0.0001 GB", "GB"})
    void rejectsBadMemory(String raw) {
        assertThatThrownBy(() -> TaskSize.parseMemory(raw))
                .isInstanceOf(AwsException.class)
                .hasMessage("Invalid 'memory' setting for task.");
    }

    @org.junit.jupiter.api.Test
    void parseKeepsAbsentPartsNullAndNormalizesText() {
        TaskSize size = TaskSize.parse("0.5 vCPU", null);
        assertThat(size.cpu()).isEqualTo(512);
        assertThat(size.memory()).isNull();
        assertThat(size.cpuText()).isEqualTo("512");
        assertThat(size.memoryText()).isNull();
    }
}
