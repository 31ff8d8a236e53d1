package dev.drover.core.queue;

/**
 * The characters an SQS message body may hold: tab, line feed, carriage return, and U+0020 to
 * U+D7FF, U+E000 to U+FFFD and U+10000 to U+10FFFF. Anything else makes SQS refuse the whole send.
 */
final class SqsText {
    private SqsText() {}

    static boolean carries(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c >= 0xFFFE || Character.isSurrogate(c) && !pairedAt(body, i)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                i++; // the pair's low half, checked by pairedAt
            }
        }
        return true;
    }

    private static boolean pairedAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
