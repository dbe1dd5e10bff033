package dev.berth.protocol.model;

/**
 * The decoded length of a base64 blob without decoding it. The validator checks a blob's modelled
 * length on every request, and ECR's layer parts are up to 20 MiB: decoding just to measure would
 * allocate the encoded bytes and the decoded bytes once more per request, before the handler decodes
 * the part again. Accepts exactly what {@link java.util.Base64#getDecoder()} accepts (the basic
 * alphabet, padding optional, no line breaks), so a blob that passes here decodes in the handler.
 */
public final class Base64Lengths {

    private Base64Lengths() {}

    /** The number of bytes {@code text} decodes to, or -1 when the basic decoder would reject it. */
    public static long decodedLength(String text) {
        int n = text.length();
        int pad = 0;
        if (n > 0 && text.charAt(n - 1) == '=') {
            pad = n > 1 && text.charAt(n - 2) == '=' ? 2 : 1;
        }
        int data = n - pad;
        for (int i = 0; i < data; i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok) {
                return -1;
            }
        }
        int tail = data % 4;
        if (tail == 1 || (pad > 0 && tail + pad != 4)) {
            return -1;
        }
        return (long) data / 4 * 3 + (tail == 0 ? 0 : tail - 1);
    }
}
