package dev.berth.lb.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Marker pagination as ELBv2 does it: {@code PageSize} (1-400, default 400) items per page and an
 * opaque {@code NextMarker} that resumes after the last item returned. The marker encodes the
 * position in the (creation-ordered) result list.
 */
final class Paging {

    static final int DEFAULT_PAGE = 400;

    private Paging() {}

    static <T> void page(
            List<T> items, ObjectNode in, ObjectNode out, String listField, Function<T, ObjectNode> render) {
        int size = in.has("PageSize") ? in.get("PageSize").asInt() : DEFAULT_PAGE;
        int start = 0;
        String marker = Json.text(in, "Marker");
        if (marker != null) {
            try {
                start = Integer.parseInt(
                        new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8).substring(2));
            } catch (RuntimeException e) {
                throw Errors.validation("Invalid marker '" + marker + "'");
            }
            if (start < 0 || start > items.size()) {
                throw Errors.validation("Invalid marker '" + marker + "'");
            }
        }
        ArrayNode list = Json.array();
        int end = Math.min(items.size(), start + size);
        for (int i = start; i < end; i++) {
            list.add(render.apply(items.get(i)));
        }
        out.set(listField, list);
        if (end < items.size()) {
            out.put(
                    "NextMarker",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(("p:" + end).getBytes(StandardCharsets.UTF_8)));
        }
    }
}
