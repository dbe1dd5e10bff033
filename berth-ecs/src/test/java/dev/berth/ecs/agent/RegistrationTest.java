package dev.berth.ecs.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.model.error.AwsException;
import org.junit.jupiter.api.Test;

class RegistrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Registration parse(String json) throws Exception {
        return Registration.parse(JSON.readTree(json));
    }

    @Test
    void parsesAFullRegistration() throws Exception {
        Registration r = parse("""
                {"cluster":"prod","hostIp":"127.0.0.11","cpu":2048,"memory":3840,"ports":["22","22","2375"],
                 "portsUdp":["53"],"attributes":{"ecs.os-type":"linux","gpu":null},
                 "versionInfo":{"agentVersion":"1.0","agentHash":"h","dockerVersion":"24.0"}}""");
        assertThat(r.cluster()).isEqualTo("prod");
        assertThat(r.resources().ports()).containsExactly("22", "2375");
        assertThat(r.resources().portsUdp()).containsExactly("53");
        assertThat(r.attributes()).containsEntry("gpu", null).containsEntry("ecs.os-type", "linux");
        assertThat(r.versionInfo().dockerVersion()).isEqualTo("24.0");
        assertThat(parse("{\"hostIp\":\"::1\",\"cpu\":1,\"memory\":1}").cluster())
                .isEqualTo("default");
    }

    @Test
    void rejectsWhatAnAgentMustNotSend() {
        String[] bad = {
            "[]",
            "{\"cluster\":\"a/b\",\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1}",
            "{\"hostIp\":\"256.0.0.1\",\"cpu\":1,\"memory\":1}",
            "{\"hostIp\":\"example.com\",\"cpu\":1,\"memory\":1}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":0,\"memory\":1}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1.5,\"memory\":1}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"ports\":[\"70000\"]}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"ports\":\"22\"}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"attributes\":{\"bad name\":\"x\"}}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"attributes\":[]}",
            "{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"versionInfo\":{\"agentVersion\":\"\"}}",
        };
        for (String b : bad) {
            assertThatThrownBy(() -> parse(b))
                    .as(b)
                    .isInstanceOf(AwsException.class)
                    .satisfies(e -> assertThat(((AwsException) e).httpStatus()).isEqualTo(400));
        }
        StringBuilder many = new StringBuilder("{\"hostIp\":\"127.0.0.1\",\"cpu\":1,\"memory\":1,\"attributes\":{");
        for (int i = 0; i < 11; i++) {
            many.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":\"v\"");
        }
        assertThatThrownBy(() -> parse(many + "}}")).hasMessageContaining("up to 10 custom attributes");
    }
}
