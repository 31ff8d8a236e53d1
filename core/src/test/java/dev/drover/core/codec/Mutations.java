package dev.drover.core.codec;

import java.util.Random;

/** A few random edits of a body in the mapper's form (insert, delete, replace, repeat a stretch): what the hand readers must refuse or read as the mapper does. */
final class Mutations {
    /** JSON's structural characters, escapes, digits and number signs, whitespace. */
    private static final String CHARACTERS = " \n\t\\\"u0A9f-+.e,:{}[]/n";

    private Mutations() {
    }

    static String of(String text, Random random) {
        StringBuilder body = new StringBuilder(text);
        for (int m = 1 + random.nextInt(3); m > 0 && body.length() > 0; m--) {
            int at = random.nextInt(body.length());
            char c = CHARACTERS.charAt(random.nextInt(CHARACTERS.length()));
            switch (random.nextInt(4)) {
                case 0 -> body.insert(at, c);
                case 1 -> body.deleteCharAt(at);
                case 2 -> body.setCharAt(at, c);
                default -> body.insert(at, body, at, Math.min(body.length(), at + 1 + random.nextInt(24)));
            }
        }
        return body.toString();
    }
}
