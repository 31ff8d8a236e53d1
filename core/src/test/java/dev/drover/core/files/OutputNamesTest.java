package dev.drover.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutputNamesTest {
    @Test
    void backslashesPercentAndControlCharactersAreEncodedAndComeBack() {
        String[][] cases = {{"a/b.txt", "a/b.txt"}, {"..\\..\\x", "..%5C..%5Cx"}, {"a\\b", "a%5Cb"}, {"100%", "100%25"},
                {"tab\there", "tab%09here"}, {"new\nline", "new%0Aline"}, {"日本/ü.txt", "日本/ü.txt"}, {"%5C", "%255C"}};
        for (String[] c : cases) {
            assertEquals(c[1], OutputNames.encode(c[0]), c[0]);
            assertEquals(c[0], OutputNames.decode(c[1]), c[1]);
        }
    }
}
