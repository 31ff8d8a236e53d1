package dev.drover.scheduler.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aFirstStartMakesAKeyOnlyItsAccountReadsAndWritesTheFingerprintBesideTheCertificate() throws Exception {
        Path tls = dir.resolve("tls");
        SelfSigned.Loaded first = SelfSigned.loadOrCreate(tls, CLOCK);

        assertTrue(first.created());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(SelfSigned.KEY_FILE))));
        assertTrue(Files.readString(tls.resolve(SelfSigned.KEY_FILE)).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        assertEquals(first.identity().fingerprint().hex() + "\n",
                Files.readString(tls.resolve(SelfSigned.FINGERPRINT_FILE), StandardCharsets.US_ASCII));
        assertEquals(List.of(SelfSigned.CERTIFICATE_FILE, SelfSigned.FINGERPRINT_FILE, SelfSigned.KEY_FILE),
                Files.list(tls).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        var leaf = first.identity().leaf();
        leaf.verify(leaf.getPublicKey()); // signed by itself
        leaf.checkValidity(Date.from(CLOCK.instant()));
        leaf.checkValidity(Date.from(CLOCK.instant().plus(SelfSigned.VALIDITY).minusSeconds(60)));
    }

    @Test
    void aRestartReusesTheCertificateSoThePinStaysTheSame() throws Exception {
        SelfSigned.Loaded first = SelfSigned.loadOrCreate(dir, CLOCK);
        Files.delete(dir.resolve(SelfSigned.FINGERPRINT_FILE));

        SelfSigned.Loaded again = SelfSigned.loadOrCreate(dir, CLOCK);

        assertFalse(again.created());
        assertEquals(first.identity().fingerprint(), again.identity().fingerprint());
        assertEquals(first.identity().key(), again.identity().key());
        assertTrue(Files.exists(dir.resolve(SelfSigned.FINGERPRINT_FILE)), "rewritten");
    }

    @Test
    void twoDirectoriesGetTwoCertificates() throws Exception {
        assertNotEquals(SelfSigned.loadOrCreate(dir.resolve("a"), CLOCK).identity().fingerprint(),
                SelfSigned.loadOrCreate(dir.resolve("b"), CLOCK).identity().fingerprint());
    }

    @Test
    void aKeyWithoutItsCertificateIsRefusedRatherThanReplaced() throws Exception {
        SelfSigned.loadOrCreate(dir, CLOCK);
        Files.delete(dir.resolve(SelfSigned.CERTIFICATE_FILE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelfSigned.loadOrCreate(dir, CLOCK));
        assertTrue(e.getMessage().contains("scheduler.key without scheduler.crt"), e.getMessage());
    }

    @Test
    void fingerprintsAreReadAsPeoplePasteThem() {
        String hex = "ab".repeat(32);
        assertEquals(hex, Fingerprint.parse(String.join(":", java.util.Collections.nCopies(32, "AB"))).hex());
        assertEquals(hex, Fingerprint.parse(" " + hex.toUpperCase() + "\n").hex());
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse("zz".repeat(32)));
    }
}
