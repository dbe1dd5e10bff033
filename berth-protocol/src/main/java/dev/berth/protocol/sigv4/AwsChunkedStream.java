package dev.berth.protocol.sigv4;

import dev.berth.model.error.AwsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes an {@code aws-chunked} request body (S3 streaming uploads, as the AWS SDKs send them over
 * plain HTTP) and verifies it while it streams: every chunk {@code <hex-size>;chunk-signature=<sig>}
 * is checked against the signature chained from the request's seed signature, and the trailing
 * headers ({@code x-amz-checksum-*}) against {@code x-amz-trailer-signature} when the payload mode
 * signs them. Decoded bytes are handed out only after their chunk verified, so a tampered chunk is
 * never written anywhere the caller would keep.
 *
 * <p>Memory: one chunk at a time (the SDKs send 64 KiB or 128 KiB chunks); a chunk larger than
 * {@link #MAX_CHUNK} is refused. Not thread-safe: one reader.
 */
public final class AwsChunkedStream extends InputStream {

    /** Largest chunk accepted (S3 itself allows any size; SDKs use at most 1 MiB). */
    public static final int MAX_CHUNK = 16 * 1024 * 1024;

    private static final String EMPTY_SHA256 = Hashing.sha256Hex(new byte[0]);
    private static final int MAX_LINE = 4096;

    private final InputStream in;
    private final S3Signature signature;
    private final long declaredLength;
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private String previous;
    private byte[] chunk = new byte[0];
    private int pos;
    private long decoded;
    private boolean done;

    /**
     * @param in             the raw body
     * @param signature      the verified request (payload mode, key, scope, seed signature)
     * @param declaredLength {@code x-amz-decoded-content-length}, or -1 when not sent
     */
    public AwsChunkedStream(InputStream in, S3Signature signature, long declaredLength) {
        this.in = in;
        this.signature = signature;
        this.declaredLength = declaredLength;
        this.previous = signature.seedSignature();
    }

    /** The trailing headers (lower-case names), complete once {@code read} returned -1. */
    public Map<String, String> trailers() {
        return trailers;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= chunk.length) {
            if (done) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    private void nextChunk() throws IOException {
        String header = line();
        int semi = header.indexOf(';');
        String sizeText = (semi < 0 ? header : header.substring(0, semi)).trim();
        String chunkSignature = null;
        if (semi >= 0) {
            String ext = header.substring(semi + 1).trim();
            if (ext.startsWith("chunk-signature=")) {
                chunkSignature = ext.substring("chunk-signature=".length()).trim();
            }
        }
        int size;
        try {
            size = Integer.parseInt(sizeText, 16);
        } catch (NumberFormatException e) {
            throw malformed("the chunk header '" + header + "' has no hexadecimal size");
        }
        if (size < 0 || size > MAX_CHUNK) {
            throw malformed("a chunk of " + size + " bytes is larger than " + MAX_CHUNK);
        }
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            throw incomplete();
        }
        if (signature.payload().signedChunks()) {
            verifyChunk(chunkSignature, data);
        }
        if (size == 0) {
            if (signature.payload().trailer()) {
                readTrailers();
            } else {
                line(); // the empty line ending the body
            }
            done = true;
            if (declaredLength >= 0 && decoded != declaredLength) {
                throw incomplete();
            }
        } else {
            String end = line();
            if (!end.isEmpty()) {
                throw malformed("chunk data is not followed by CRLF");
            }
            decoded += size;
        }
        chunk = data;
        pos = 0;
    }

    private void verifyChunk(String provided, byte[] data) {
        if (provided == null || !Hashing.isSha256Hex(provided)) {
            throw mismatch();
        }
        String toSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + signature.amzDate() + "\n" + signature.scope() + "\n" + previous
                + "\n" + EMPTY_SHA256 + "\n" + Hashing.sha256Hex(data);
        byte[] expected = Hashing.hmac(signature.signingKey(), toSign);
        if (!MessageDigest.isEqual(expected, Hashing.unhex32(provided))) {
            throw mismatch();
        }
        previous = provided.toLowerCase(Locale.ROOT);
    }

    private void readTrailers() throws IOException {
        StringBuilder canonical = new StringBuilder();
        String trailerSignature = null;
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw malformed("trailing header '" + l + "' has no name");
            }
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).trim();
            if (name.equals("x-amz-trailer-signature")) {
                trailerSignature = value;
            } else {
                trailers.put(name, value);
                canonical.append(name).append(':').append(value).append('\n');
            }
        }
        if (signature.payload().signedChunks()) {
            if (trailerSignature == null || !Hashing.isSha256Hex(trailerSignature)) {
                throw mismatch();
            }
            String toSign = "AWS4-HMAC-SHA256-TRAILER\n" + signature.amzDate() + "\n" + signature.scope() + "\n"
                    + previous + "\n" + Hashing.sha256Hex(canonical.toString());
            if (!MessageDigest.isEqual(
                    Hashing.hmac(signature.signingKey(), toSign), Hashing.unhex32(trailerSignature))) {
                throw mismatch();
            }
        }
    }

    /** One CRLF-terminated line without its terminator; EOF before it is an incomplete body. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(96);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw incomplete();
            }
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw malformed("a CR in the chunk framing is not followed by LF");
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw malformed("a chunk header line is longer than " + MAX_LINE + " characters");
            }
            sb.append((char) c);
        }
    }

    private static AwsException mismatch() {
        return new AwsException(
                "SignatureDoesNotMatch",
                403,
                "The request signature we calculated does not match"
                        + " the signature you provided. Check your key and signing method.");
    }

    private static AwsException malformed(String detail) {
        return new AwsException("InvalidRequest", 400, "The aws-chunked body is malformed: " + detail);
    }

    private static AwsException incomplete() {
        return new AwsException(
                "IncompleteBody",
                400,
                "You did not provide the number of bytes specified by the Content-Length HTTP header");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
