package dev.drover.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whose batch goes next, with two busy users each sending bundles of equal work and none ending. */
class FairShareTest {
    /** Picks {@code rounds} times; each pick adds one unit of work to the chosen user's outstanding. */
    static String interleave(Map<String, Integer> weights, Map<String, Double> start, int rounds) {
        FairShare share = new FairShare();
        Map<String, Double> outstanding = new LinkedHashMap<>(start);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            List<FairShare.Claim> claims = new ArrayList<>();
            weights.forEach((u, w) -> claims.add(new FairShare.Claim(u, w, outstanding.get(u))));
            String user = share.choose(claims).orElseThrow();
            share.served(user);
            outstanding.merge(user, 1.0, Double::sum);
            order.append(user);
        }
        return order.toString();
    }

    @Test
    void equalWeightsAlternate() {
        assertEquals("ABABABABAB", interleave(Map.of("A", 1, "B", 1), Map.of("A", 0.0, "B", 0.0), 10));
    }

    @Test
    void weightsTwoToOneSendTwoToOne() {
        String order = interleave(new LinkedHashMap<>(Map.of("A", 2, "B", 1)), Map.of("A", 0.0, "B", 0.0), 30);
        assertEquals("ABABAABAABAABAABAABAABAABAABAA", order);
        assertEquals(20, order.chars().filter(c -> c == 'A').count());
    }

    @Test
    void aNewcomerGoesFirstUntilTheyHoldTheirShare() {
        // A already holds 6 units of the fleet; B arrives with nothing out: B's next 6 bundles go first
        assertEquals("BBBBBBABAB", interleave(Map.of("A", 1, "B", 1), Map.of("A", 6.0, "B", 0.0), 10));
    }

    @Test
    void noOneWithWorkMeansNoChoice() {
        assertTrue(new FairShare().choose(List.of()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new FairShare.Claim("A", 0, 0));
    }
}
