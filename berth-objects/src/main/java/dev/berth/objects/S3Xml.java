package dev.berth.objects;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The XML of S3 requests and responses: a tiny writer with S3's namespace and timestamp format, and
 * a DOM reader for the few request bodies (DeleteObjects, CompleteMultipartUpload,
 * CreateBucketConfiguration) with DTDs and external entities disabled.
 */
final class S3Xml {

    static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StringBuilder sb = new StringBuilder(256).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    /** Starts a response document with root element {@code root} in S3's namespace. */
    static S3Xml document(String root) {
        S3Xml x = new S3Xml();
        x.sb.append('<').append(root).append(" xmlns=\"").append(NS).append("\">");
        return x;
    }

    /** Starts a document whose root has no namespace (error bodies). */
    static S3Xml plain(String root) {
        S3Xml x = new S3Xml();
        x.sb.append('<').append(root).append('>');
        return x;
    }

    S3Xml open(String name) {
        sb.append('<').append(name).append('>');
        return this;
    }

    S3Xml close(String name) {
        sb.append("</").append(name).append('>');
        return this;
    }

    S3Xml element(String name, Object value) {
        if (value != null) {
            sb.append('<').append(name).append('>');
            escape(String.valueOf(value));
            sb.append("</").append(name).append('>');
        }
        return this;
    }

    String end(String root) {
        return sb.append("</").append(root).append('>').toString();
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\r' -> sb.append("&#13;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        sb.append("&#").append((int) c).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }

    static String timestamp(long millis) {
        return ISO.format(Instant.ofEpochMilli(millis));
    }

    /** Parses a request body; anything but well-formed XML is {@code MalformedXML}. */
    static Element parse(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Document d = b.parse(new ByteArrayInputStream(body));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw S3Errors.malformedXml();
        }
    }

    /** The child elements of {@code parent} with this local name. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The text of the first child element with this name, or null. */
    static String text(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0).getTextContent();
    }
}
