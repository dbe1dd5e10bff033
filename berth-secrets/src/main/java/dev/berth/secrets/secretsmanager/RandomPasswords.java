package dev.berth.secrets.secretsmanager;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * GetRandomPassword as Secrets Manager defines it: 32 characters by default (1 to 4096), drawn from
 * upper and lower case letters, digits and the punctuation {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~},
 * minus excluded classes and characters, optionally with a space, and by default at least one
 * character of every included class. Uses {@link SecureRandom}; thread-safe.
 */
final class RandomPasswords {

    static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    static final String DIGITS = "0123456789";
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomPasswords() {}

    static String generate(ObjectNode in) {
        long length = in.has("PasswordLength") ? in.get("PasswordLength").asLong() : 32;
        if (length < 1 || length > 4096) {
            throw SecretsErrors.invalidParameter("Password length must be between 1 and 4096.");
        }
        String exclude = in.path("ExcludeCharacters").asText("");
        List<String> classes = new ArrayList<>();
        if (!in.path("ExcludeUppercase").asBoolean(false)) {
            classes.add(UPPER);
        }
        if (!in.path("ExcludeLowercase").asBoolean(false)) {
            classes.add(LOWER);
        }
        if (!in.path("ExcludeNumbers").asBoolean(false)) {
            classes.add(DIGITS);
        }
        if (!in.path("ExcludePunctuation").asBoolean(false)) {
            classes.add(PUNCTUATION);
        }
        if (in.path("IncludeSpace").asBoolean(false)) {
            classes.add(" ");
        }
        List<String> usable = new ArrayList<>();
        for (String c : classes) {
            StringBuilder kept = new StringBuilder();
            c.chars().filter(ch -> exclude.indexOf(ch) < 0).forEach(ch -> kept.append((char) ch));
            if (!kept.isEmpty()) {
                usable.add(kept.toString());
            }
        }
        if (usable.isEmpty()) {
            throw SecretsErrors.invalidParameter("The password can't be generated: every character type is excluded.");
        }
        boolean requireEach = in.path("RequireEachIncludedType").asBoolean(true);
        if (requireEach && length < usable.size()) {
            throw SecretsErrors.invalidParameter(
                    "The password length is too short to include a character of each " + "included type.");
        }
        String all = String.join("", usable);
        char[] out = new char[(int) length];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.charAt(RANDOM.nextInt(all.length()));
        }
        if (requireEach) {
            // put one character of each class at distinct random positions
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < out.length; i++) {
                positions.add(i);
            }
            java.util.Collections.shuffle(positions, RANDOM);
            for (int i = 0; i < usable.size(); i++) {
                String c = usable.get(i);
                out[positions.get(i)] = c.charAt(RANDOM.nextInt(c.length()));
            }
        }
        return new String(out);
    }
}
