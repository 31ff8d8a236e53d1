package dev.drover.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.User;
import dev.drover.core.port.UserStore;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link UserStore} adapter must do. */
public abstract class UserStoreContract {
    protected abstract UserStore store();

    static String hash(char c) {
        return String.valueOf(c).repeat(63) + UUID.randomUUID().toString().charAt(0);
    }

    static String name() {
        return "u" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void addsAUserOnceAndFindsThemByTokenHash() {
        String name = name();
        User user = new User(name, false, 1234);
        String hash = hash('a') + name;
        String refused = hash('b') + name;
        assertTrue(store().add(user, hash));
        assertFalse(store().add(new User(name, true, 99), refused), "a second user of the same name");
        assertEquals(user, store().get(name).orElseThrow());
        assertEquals(user, store().byTokenHash(hash).orElseThrow());
        assertTrue(store().byTokenHash(refused).isEmpty(), "the refused user's token");
        assertTrue(store().byTokenHash(hash.substring(1)).isEmpty(), "a prefix of a hash");
        assertTrue(store().list().contains(user));
    }

    @Test
    void keepsAUsersMonthlyBudgetAndReadsNoneAsNull() {
        String name = name();
        User budgeted = new User(name, false, 1234, 1, 12.5);
        String hash = hash('c') + name;
        assertTrue(store().add(budgeted, hash));
        assertEquals(budgeted, store().get(name).orElseThrow());
        assertEquals(budgeted, store().byTokenHash(hash).orElseThrow());
        String other = name();
        assertTrue(store().add(new User(other, false, 1), hash('d') + other));
        assertEquals(null, store().get(other).orElseThrow().monthlyBudgetUsd());
    }

    @Test
    void removingAUserRevokesTheirTokens() {
        String name = name();
        String hash = hash('c') + name;
        store().add(new User(name, true, 5), hash);
        assertTrue(store().remove(name));
        assertTrue(store().byTokenHash(hash).isEmpty());
        assertTrue(store().get(name).isEmpty());
        assertTrue(store().list().stream().noneMatch(u -> u.name().equals(name)));
        assertFalse(store().remove(name), "already gone");
        String again = hash('d') + name;
        assertTrue(store().add(new User(name, false, 6), again), "the name is free again");
        assertTrue(store().byTokenHash(hash).isEmpty(), "the old token stays revoked");
        assertEquals(false, store().byTokenHash(again).orElseThrow().admin());
    }

    @Test
    void aUsersWeightIsOneUnlessSetAndCanBeChanged() {
        String name = name();
        String hash = hash('f') + name;
        store().add(new User(name, false, 7), hash);
        assertEquals(1, store().get(name).orElseThrow().weight());
        assertTrue(store().setWeight(name, 3));
        assertEquals(3, store().get(name).orElseThrow().weight());
        assertEquals(3, store().byTokenHash(hash).orElseThrow().weight());
        assertTrue(store().list().stream().anyMatch(u -> u.name().equals(name) && u.weight() == 3));
        String heavy = name();
        store().add(new User(heavy, false, 8, 5, null), hash('g') + heavy);
        assertEquals(5, store().get(heavy).orElseThrow().weight());
        assertFalse(store().setWeight(name(), 2), "no such user");
        store().remove(heavy);
        assertFalse(store().setWeight(heavy, 2), "a removed user");
    }

    @Test
    void anUnknownUserIsNotThere() {
        assertTrue(store().get(name()).isEmpty());
        assertFalse(store().remove(name()));
        assertTrue(store().byTokenHash(hash('e')).isEmpty());
    }
}
