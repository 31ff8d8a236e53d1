package dev.drover.amibuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs provision.sh against a scratch root (no dnf, no useradd) and checks that every file lands
 * where the systemd units expect it.
 */
class ProvisionTest {
    /** The JRE comes from dnf, which a scratch-root run skips. */
    static final String JAVA = "/usr/bin/java";
    /** nftables too comes from dnf. */
    static final String NFT = "/usr/sbin/nft";
    static final List<String> UNITS = List.of("drover-worker.service", "drover-scheduler.service",
            "drover-task-firewall.service");
    static final List<String> SCRIPTS = List.of("provision.sh", "fetch-config.sh", "on-worker-exit.sh", "scheduler-tls.sh");

    @TempDir
    static Path scratch;
    static Path root;
    static byte[] jar = "not really a jar".getBytes(StandardCharsets.UTF_8);
    static Shell.Result firstRun;

    @BeforeAll
    static void provision() throws IOException {
        root = scratch.resolve("root");
        Files.write(scratch.resolve("drover.jar"), jar);
        firstRun = provision(root, scratch.resolve("drover.jar"));
    }

    static Shell.Result provision(Path into, Path jarFile) {
        return Shell.run(List.of("bash", "provision.sh"), Map.of(
                "ROOT", into.toString(), "DROVER_SKIP_SYSTEM", "1", "DROVER_JAR", jarFile.toString()));
    }

    @Test
    void provisioningSucceedsAndSkipsTheSystemSteps() {
        assertEquals(0, firstRun.exitCode(), firstRun.output());
        assertTrue(firstRun.output().contains("skipped: dnf install -y java-21-amazon-corretto-headless"), firstRun.output());
        assertTrue(firstRun.output().contains("skipped: useradd --system"), firstRun.output());
        assertTrue(firstRun.output().contains("skipped: dnf install -y java-21-amazon-corretto-headless nftables awscli-2 openssl"),
                firstRun.output());
    }

    @Test
    void theImageHasAnUnprivilegedTaskUserWithoutLoginOrHome() {
        assertTrue(firstRun.output().contains("skipped: useradd --system --user-group --home-dir /nonexistent"
                + " --no-create-home --shell /sbin/nologin drover-task"), firstRun.output());
    }

    @Test
    void theWorkerRunsTasksAsTheTaskUserWithOnlyTheCapabilitiesThatNeeds() throws IOException {
        SystemdUnit worker = unit("drover-worker.service");
        assertTrue(worker.one("ExecStart").endsWith(" worker --task-user drover-task"), worker.one("ExecStart"));
        assertEquals("root", worker.one("User"), "root: a change from uid 0 to the task user clears every capability");
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_SETGID", "CAP_SETUID"),
                java.util.Arrays.stream(worker.one("CapabilityBoundingSet").split("\\s+")).sorted().toList());
        assertEquals("yes", worker.one("NoNewPrivileges"));
        assertEquals("0700", worker.one("StateDirectoryMode"));
        assertEquals("drover-task-firewall.service", worker.one("Requires"), "no worker runs without the firewall rule");
        assertTrue(worker.all("After").contains("drover-task-firewall.service"));
    }

    @Test
    void aBootUnitLoadsTheRuleThatDropsTheTaskUsersTrafficToTheMetadataService() throws IOException {
        SystemdUnit firewall = unit("drover-task-firewall.service");
        assertEquals("oneshot", firewall.one("Type"));
        assertEquals("yes", firewall.one("RemainAfterExit"));
        assertEquals(NFT + " -f /etc/drover/task-firewall.nft", firewall.one("ExecStart"));
        assertEquals(Path.of("/etc/systemd/system/drover-task-firewall.service"), Files.readSymbolicLink(
                inRoot("/etc/systemd/system/multi-user.target.wants/drover-task-firewall.service")));
        List<String> rules = Files.readAllLines(inRoot("/etc/drover/task-firewall.nft")).stream().map(String::strip)
                .filter(l -> l.startsWith("meta skuid")).toList();
        assertEquals(List.of("meta skuid \"drover-task\" ip daddr 169.254.169.254 counter drop",
                "meta skuid \"drover-task\" ip6 daddr fd00:ec2::254 counter drop"), rules);
    }

    /** nft's own check of the rule file, with a user that exists here in place of drover-task. */
    @Test
    void theFirewallRulesPassNftsCheck(@TempDir Path dir) throws IOException {
        assumeTrue(Shell.onPath("nft") || Files.isExecutable(Path.of(NFT)), "nft is not installed (apt-get install nftables)");
        assumeTrue("root".equals(System.getProperty("user.name")), "nft -c needs root");
        Path rules = dir.resolve("rules.nft");
        Files.writeString(rules, Files.readString(inRoot("/etc/drover/task-firewall.nft")).replace("\"drover-task\"", "root"));
        Shell.Result result = Shell.run(List.of(Files.isExecutable(Path.of(NFT)) ? NFT : "nft", "-c", "-f", rules.toString()), Map.of());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void theJarLandsWhereBothUnitsRunIt() throws IOException {
        assertArrayEquals(jar, Files.readAllBytes(inRoot("/opt/drover/drover.jar")));
    }

    @Test
    void everyPathTheUnitsNameExistsInTheScratchRoot() throws IOException {
        for (String unit : UNITS) {
            List<String> paths = unit(unit).paths();
            assertTrue(unit.contains("firewall") || paths.contains("/opt/drover/drover.jar"), unit + " runs the jar: " + paths);
            for (String path : paths) {
                if (!path.equals(JAVA) && !path.equals(NFT)) {
                    assertTrue(Files.exists(inRoot(path)), unit + " names " + path + ", missing from the image");
                }
            }
        }
    }

    @Test
    void theWorkerUnitFetchesUserDataThenRunsTheWorkerFromItsEnvFile() throws IOException {
        SystemdUnit worker = unit("drover-worker.service");
        assertEquals("/opt/drover/bin/fetch-config.sh --check", worker.one("ExecCondition"));
        assertEquals("+/opt/drover/bin/fetch-config.sh /etc/drover/worker.env", worker.one("ExecStartPre"));
        assertEquals("/etc/drover/worker.env", worker.one("EnvironmentFile"));
        assertEquals(JAVA + " -jar /opt/drover/drover.jar worker --task-user drover-task", worker.one("ExecStart"));
        assertEquals("+/opt/drover/bin/on-worker-exit.sh", worker.one("ExecStopPost"));
        assertEquals("on-failure", worker.one("Restart"));
        assertEquals("poweroff", worker.one("StartLimitAction"));
        assertEquals("mixed", worker.one("KillMode"), "a stop signals the worker alone, so its tasks are handed back, not killed");
        assertTrue(Integer.parseInt(worker.one("TimeoutStopSec")) > 60, "the stop outlasts the worker's 60 s drain");
        assertEquals("multi-user.target", worker.one("WantedBy"));
        for (String script : List.of("/opt/drover/bin/fetch-config.sh", "/opt/drover/bin/on-worker-exit.sh")) {
            assertTrue(Files.isExecutable(inRoot(script)), script);
        }
    }

    @Test
    void theSchedulerUnitRunsAReplicaOnThePrivateAddressWithTheSharedCertificate() throws IOException {
        SystemdUnit scheduler = unit("drover-scheduler.service");
        assertEquals("/etc/drover/scheduler.env", scheduler.one("EnvironmentFile"));
        assertEquals("/opt/drover/bin/scheduler-tls.sh ${DROVER_TLS_PARAMETER} ${DROVER_TLS_DNS_NAME}"
                + " ${STATE_DIRECTORY}/tls/scheduler.pem", scheduler.one("ExecStartPre"));
        assertEquals(JAVA + " -jar /opt/drover/drover.jar scheduler -s 8443 --bind ${DROVER_PRIVATE_ADDRESS} -rw --replica"
                + " --replica-lease ${DROVER_REPLICA_LEASE} --launch-template ${DROVER_LAUNCH_TEMPLATE}"
                + " --tls-cert ${STATE_DIRECTORY}/tls/scheduler.pem --tls-key ${STATE_DIRECTORY}/tls/scheduler.pem"
                + " --admin-token-ssm ${DROVER_ADMIN_TOKEN_PARAMETER} --fingerprint-ssm ${DROVER_TLS_FINGERPRINT_PARAMETER}",
                scheduler.one("ExecStart"));
        assertEquals("drover", scheduler.one("User"));
        assertEquals("0700", scheduler.one("StateDirectoryMode"), "the key lives under it");
        assertEquals("on-failure", scheduler.one("Restart"), "a start that cannot reach SSM yet tries again");
        assertTrue(Files.isExecutable(inRoot("/opt/drover/bin/scheduler-tls.sh")));
    }

    @Test
    void onlyTheWorkerIsEnabled() throws IOException {
        Path wants = inRoot("/etc/systemd/system/multi-user.target.wants");
        assertEquals(Path.of("/etc/systemd/system/drover-worker.service"),
                Files.readSymbolicLink(wants.resolve("drover-worker.service")));
        assertFalse(Files.exists(wants.resolve("drover-scheduler.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void envFilesStartEmptyAndTheWorkersIsItsAlone() throws IOException {
        Map<String, String> modes = Map.of("/etc/drover/worker.env", "rw-------", "/etc/drover/scheduler.env", "rw-r--r--");
        for (Map.Entry<String, String> env : modes.entrySet()) {
            assertEquals(0, Files.size(inRoot(env.getKey())), env.getKey());
            assertEquals(env.getValue(), java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(inRoot(env.getKey()))), env.getKey());
        }
    }

    @Test
    void provisioningAgainIsHarmlessAndKeepsConfiguration(@TempDir Path again) throws IOException {
        Path jarFile = again.resolve("drover.jar");
        Files.write(jarFile, jar);
        Path otherRoot = again.resolve("root");
        assertEquals(0, provision(otherRoot, jarFile).exitCode());
        Files.writeString(otherRoot.resolve("etc/drover/worker.env"), "DROVER_BUCKET=b\n");
        Shell.Result second = provision(otherRoot, jarFile);
        assertEquals(0, second.exitCode(), second.output());
        assertEquals("DROVER_BUCKET=b\n", Files.readString(otherRoot.resolve("etc/drover/worker.env")));
    }

    @Test
    void provisioningRefusesToRunWithoutTheJar(@TempDir Path empty) {
        Shell.Result result = provision(empty.resolve("root"), empty.resolve("missing.jar"));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("no jar at"), result.output());
        assertFalse(Files.exists(empty.resolve("root/opt")), "nothing installed");
    }

    @Test
    void scriptsPassShellcheck() {
        assumeTrue(Shell.onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
        List<String> command = new java.util.ArrayList<>(List.of("shellcheck", "--shell=bash"));
        command.addAll(SCRIPTS);
        Shell.Result result = Shell.run(command, Map.of());
        assertEquals(0, result.exitCode(), result.output());
    }

    /**
     * systemd's own check of both units as installed: the paths point into the scratch root and a
     * stand-in replaces the JRE that dnf would install. Any unknown directive or missing file fails it.
     */
    @Test
    void unitsPassSystemdAnalyzeVerify(@TempDir Path units) throws IOException {
        assumeTrue(Shell.onPath("systemd-analyze"), "systemd-analyze is not installed");
        List<String> command = new java.util.ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : UNITS) {
            String text = Files.readString(inRoot("/etc/systemd/system/" + unit))
                    .replace(JAVA, "/bin/true")
                    .replace(NFT, "/bin/true")
                    .replace("/opt/drover/", root + "/opt/drover/")
                    .replace("/etc/drover/", root + "/etc/drover/");
            Files.writeString(units.resolve(unit), text);
            command.add(units.resolve(unit).toString());
        }
        Shell.Result result = Shell.run(command, Map.of("SYSTEMD_LOG_LEVEL", "warning"));
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("", result.output().strip());
    }

    @Test
    void packerTemplatePassesSyntaxCheck() {
        assumeTrue(Shell.onPath("packer"), "packer is not installed (apt-get install packer)");
        Shell.Result result = Shell.run(List.of("packer", "validate", "-syntax-only", "drover-worker.pkr.hcl"), Map.of());
        assertEquals(0, result.exitCode(), result.output());
    }

    static SystemdUnit unit(String name) throws IOException {
        return SystemdUnit.read(inRoot("/etc/systemd/system/" + name));
    }

    static Path inRoot(String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
