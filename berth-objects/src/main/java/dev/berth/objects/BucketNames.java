package dev.berth.objects;

import java.util.regex.Pattern;

/**
 * Amazon S3's general purpose bucket naming rules, checked before a name reaches the store: 3 to 63
 * characters of lower-case letters, digits, dots and hyphens; a letter or digit first and last; no
 * two adjacent dots; not shaped like an IP address; none of the prefixes ({@code xn--},
 * {@code sthree-}, {@code amzn-s3-demo-}) and suffixes ({@code -s3alias}, {@code --ol-s3},
 * {@code .mrap}, {@code --x-s3}, {@code --table-s3}) S3 reserves.
 */
final class BucketNames {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private BucketNames() {}

    static boolean valid(String name) {
        if (name == null
                || !SHAPE.matcher(name).matches()
                || name.contains("..")
                || IP.matcher(name).matches()) {
            return false;
        }
        for (String prefix : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        for (String suffix : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
            if (name.endsWith(suffix)) {
                return false;
            }
        }
        return true;
    }

    /** @throws S3Errors.S3Exception {@code InvalidBucketName} */
    static void check(String name) {
        if (!valid(name)) {
            throw S3Errors.invalidBucketName(name);
        }
    }
}
