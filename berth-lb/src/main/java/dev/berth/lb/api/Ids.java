package dev.berth.lb.api;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The random hex ids at the end of ELBv2 ARNs ({@code .../app/web/50dc6c495c0c9188}). */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static String hex16() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
