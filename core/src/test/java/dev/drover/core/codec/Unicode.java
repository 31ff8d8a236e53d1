package dev.drover.core.codec;

/** Texts for the hand readers' tests: which ones a UTF-8 body can carry, and one with every character it can. */
final class Unicode {
    private Unicode() {
    }

    /** Whether {@code text} holds a surrogate without its pair: no UTF-8 text (a message body) can. */
    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Every character of plane 0 but the surrogates, then a surrogate pair from each end of the other planes. */
    static String everyCharacter() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            if (!Character.isSurrogate((char) c)) {
                sb.append((char) c);
            }
        }
        return sb.appendCodePoint(Character.MIN_SUPPLEMENTARY_CODE_POINT).appendCodePoint(0x1F600)
                .appendCodePoint(Character.MAX_CODE_POINT).toString();
    }
}
