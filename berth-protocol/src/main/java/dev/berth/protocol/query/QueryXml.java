package dev.berth.protocol.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.Shape;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders query-protocol responses and errors as the XML AWS sends: results wrapped in
 * {@code <ActionResponse><ActionResult>} with {@code <ResponseMetadata><RequestId>}, lists as
 * {@code <member>} elements, maps as {@code <entry><key/><value/></entry>}, timestamps in ISO 8601,
 * errors as {@code <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>}.
 * The output shape of the operation decides element names, so handlers return plain JSON trees.
 */
public final class QueryXml {

    private QueryXml() {}

    public static String response(ServiceModel model, ServiceModel.Operation op, JsonNode result, String requestId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<")
                .append(op.name())
                .append("Response xmlns=\"")
                .append(escape(model.xmlNamespace()))
                .append("\">");
        if (op.outputShape() != null) {
            String wrapper = op.resultWrapper() != null ? op.resultWrapper() : op.name() + "Result";
            sb.append('<').append(wrapper).append('>');
            if (result != null) {
                members(model, model.shape(op.outputShape()), result, sb);
            }
            sb.append("</").append(wrapper).append('>');
        }
        sb.append("<ResponseMetadata><RequestId>")
                .append(escape(requestId))
                .append("</RequestId></ResponseMetadata></")
                .append(op.name())
                .append("Response>");
        return sb.toString();
    }

    public static String error(String namespace, AwsException e, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + escape(namespace)
                + "\"><Error><Type>"
                + (e.fault() == AwsException.Fault.SENDER ? "Sender" : "Receiver") + "</Type><Code>" + escape(e.code())
                + "</Code><Message>" + escape(e.getMessage() == null ? "" : e.getMessage())
                + "</Message></Error><RequestId>"
                + escape(requestId) + "</RequestId></ErrorResponse>";
    }

    private static void members(ServiceModel model, Shape shape, JsonNode value, StringBuilder sb) {
        for (Map.Entry<String, Shape.Member> m : shape.members().entrySet()) {
            JsonNode v = value.get(m.getKey());
            if (v == null || v.isNull()) {
                continue;
            }
            Shape.Member member = m.getValue();
            String element = member.locationName() != null ? member.locationName() : m.getKey();
            Shape memberShape = model.shape(member.shape());
            if (memberShape.type() == Shape.Type.LIST && member.flattened()) {
                for (JsonNode item : v) {
                    sb.append('<').append(element).append('>');
                    value(model, model.shape(memberShape.listMember()), item, sb);
                    sb.append("</").append(element).append('>');
                }
                continue;
            }
            sb.append('<').append(element).append('>');
            value(model, memberShape, v, sb);
            sb.append("</").append(element).append('>');
        }
    }

    private static void value(ServiceModel model, Shape shape, JsonNode v, StringBuilder sb) {
        switch (shape.type()) {
            case STRUCTURE -> members(model, shape, v, sb);
            case LIST -> {
                Shape item = model.shape(shape.listMember());
                for (JsonNode i : v) {
                    sb.append("<member>");
                    value(model, item, i, sb);
                    sb.append("</member>");
                }
            }
            case MAP -> {
                Shape valueShape = model.shape(shape.mapValue());
                Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    sb.append("<entry><key>").append(escape(e.getKey())).append("</key><value>");
                    value(model, valueShape, e.getValue(), sb);
                    sb.append("</value></entry>");
                }
            }
            case TIMESTAMP ->
                sb.append(
                        v.isNumber()
                                ? Instant.ofEpochMilli((long) (v.asDouble() * 1000))
                                        .toString()
                                : escape(v.asText()));
            default -> sb.append(escape(v.asText()));
        }
    }

    static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep =
                    switch (c) {
                        case '<' -> "&lt;";
                        case '>' -> "&gt;";
                        case '&' -> "&amp;";
                        case '"' -> "&quot;";
                        case '\'' -> "&apos;";
                        // kept through XML's line-end and attribute normalisation
                        case '\t' -> "&#9;";
                        case '\n' -> "&#10;";
                        case '\r' -> "&#13;";
                        // characters XML 1.0 cannot carry at all, not even as references: an echoed
                        // value in an error message shows them as Java-style escapes instead
                        default -> c < 0x20 || c == 0xFFFE || c == 0xFFFF ? String.format("\\u%04x", (int) c) : null;
                    };
            if (rep != null) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(rep);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
