package dev.berth.objects;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * S3's additional checksums ({@code x-amz-checksum-crc32|crc32c|crc64nvme|sha1|sha256}, as a header
 * or an aws-chunked trailer, which the AWS SDKs send by default): computed while the body streams,
 * compared with the value the client sent once it is complete. Values are base64 of the big-endian
 * checksum, as S3 encodes them.
 */
final class Checksums {

    static final String[] ALGORITHMS = {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"};

    private Checksums() {}

    /** A stream that computes one checksum over what is read through it. */
    static final class Computing extends FilterInputStream {
        final String algorithm;
        private final java.util.zip.Checksum crc;
        private final Crc64Nvme crc64;
        private final MessageDigest digest;

        Computing(InputStream in, String algorithm) {
            super(in);
            this.algorithm = algorithm;
            this.crc = algorithm.equals("crc32") ? new CRC32() : algorithm.equals("crc32c") ? new CRC32C() : null;
            this.crc64 = algorithm.equals("crc64nvme") ? new Crc64Nvme() : null;
            try {
                this.digest = algorithm.equals("sha1")
                        ? MessageDigest.getInstance("SHA-1")
                        : algorithm.equals("sha256") ? MessageDigest.getInstance("SHA-256") : null;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (crc != null) {
                    crc.update(b, off, n);
                } else if (crc64 != null) {
                    crc64.update(b, off, n);
                } else {
                    digest.update(b, off, n);
                }
            }
            return n;
        }

        /** The base64 value of what was read so far. */
        String value() {
            byte[] raw;
            if (crc != null) {
                raw = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
            } else if (crc64 != null) {
                raw = ByteBuffer.allocate(8).putLong(crc64.value()).array();
            } else {
                raw = digest.digest();
            }
            return Base64.getEncoder().encodeToString(raw);
        }

        /** @throws S3Errors.S3Exception {@code BadDigest} when {@code expected} differs */
        void check(String expected) {
            if (expected != null && !expected.trim().equals(value())) {
                throw S3Errors.badDigest(algorithm.toUpperCase(Locale.ROOT));
            }
        }
    }

    /** The algorithm named by a {@code x-amz-checksum-*} header or trailer name, or null. */
    static String algorithmOf(String headerName) {
        String n = headerName.toLowerCase(Locale.ROOT);
        if (!n.startsWith("x-amz-checksum-")) {
            return null;
        }
        String alg = n.substring("x-amz-checksum-".length());
        for (String a : ALGORITHMS) {
            if (a.equals(alg)) {
                return a;
            }
        }
        return null;
    }

    /** CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones). */
    static final class Crc64Nvme {
        private static final long[] TABLE = new long[256];

        static {
            for (int i = 0; i < 256; i++) {
                long c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ 0x9a6c9329ac4bc9b5L : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        private long crc = -1L;

        void update(byte[] b, int off, int len) {
            long c = crc;
            for (int i = off; i < off + len; i++) {
                c = TABLE[(int) ((c ^ b[i]) & 0xFF)] ^ (c >>> 8);
            }
            crc = c;
        }

        long value() {
            return ~crc;
        }
    }
}
