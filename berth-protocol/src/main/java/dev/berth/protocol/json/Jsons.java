package dev.berth.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;

/**
 * The one Jackson configuration Berth uses for wire bodies and stored documents: nulls are not
 * written, unknown properties of stored documents are tolerated (older documents read by newer
 * code), and parser limits are tight enough that a hostile body cannot exhaust memory or stack.
 */
public final class Jsons {

    private Jsons() {}

    public static ObjectMapper newMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(200)
                        .maxStringLength(8 * 1024 * 1024)
                        .maxNumberLength(100)
                        .build());
        return mapper;
    }

    /** Epoch milliseconds as the JSON protocols' timestamp: seconds with a fraction. */
    public static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis).movePointLeft(3);
    }
}
