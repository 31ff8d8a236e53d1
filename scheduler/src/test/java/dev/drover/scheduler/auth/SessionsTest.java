package dev.drover.scheduler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.core.port.User;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sign-in codes and sessions are bounded per user and in all, evicting the oldest; minting one never fails. */
class SessionsTest {
    final Sessions sessions = new Sessions(Clock.systemUTC());
    final User mallory = new User("mallory", false, 0);
    final User admin = new User("admin", true, 0);

    @Test
    void oneUserMintingTenThousandCodesKeepsOnlyTheNewestAndLocksNobodyOut() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            codes.add(sessions.loginCode(mallory));
        }
        assertTrue(sessions.exchange(codes.get(0)).isEmpty(), "the oldest were evicted");
        assertTrue(sessions.exchange(codes.get(codes.size() - 1)).isPresent(), "the newest still works");
        assertTrue(sessions.exchange(codes.get(codes.size() - Sessions.MAX_CODES_PER_USER)).isPresent());
        assertTrue(sessions.exchange(codes.get(codes.size() - Sessions.MAX_CODES_PER_USER - 1)).isEmpty());
        assertTrue(sessions.exchange(sessions.loginCode(admin)).isPresent(), "the admin signs in as ever");
    }

    @Test
    void manyUsersFillingTheGlobalBoundEvictTheOldestAndNewCodesStillWork() {
        String first = sessions.loginCode(new User("u0", false, 0));
        for (int i = 1; i <= Sessions.MAX_CODES / Sessions.MAX_CODES_PER_USER + 1; i++) {
            User u = new User("u" + i, false, 0);
            for (int j = 0; j < Sessions.MAX_CODES_PER_USER; j++) {
                sessions.loginCode(u);
            }
        }
        assertTrue(sessions.exchange(first).isEmpty(), "the oldest code overall went");
        assertTrue(sessions.exchange(sessions.loginCode(admin)).isPresent());
    }

    @Test
    void exchangingCodesOverAndOverKeepsOnlyTheNewestSessionsOfThatUser() {
        String oldest = sessions.exchange(sessions.loginCode(mallory)).orElseThrow();
        for (int i = 0; i < Sessions.MAX_SESSIONS_PER_USER; i++) {
            sessions.exchange(sessions.loginCode(mallory)).orElseThrow();
        }
        assertTrue(sessions.session(oldest).isEmpty(), "evicted");
        String adminCookie = sessions.exchange(sessions.loginCode(admin)).orElseThrow();
        assertEquals("admin", sessions.session(adminCookie).orElseThrow().user().name());
    }

    @Test
    void endingAUserEndsTheirSessionsAndCodesOnly() {
        String code = sessions.loginCode(mallory);
        String cookie = sessions.exchange(sessions.loginCode(mallory)).orElseThrow();
        String adminCookie = sessions.exchange(sessions.loginCode(admin)).orElseThrow();
        sessions.endUser("mallory");
        assertTrue(sessions.session(cookie).isEmpty());
        assertTrue(sessions.exchange(code).isEmpty());
        assertTrue(sessions.session(adminCookie).isPresent());
    }
}
