package com.stm32mp.prelaunch.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stm32mp.prelaunch.model.CheckRequest;
import com.stm32mp.prelaunch.model.MapAttributes;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.Setting;
import com.stm32mp.prelaunch.model.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A full run through the bridge against the simulated board (tests/board-sim, started by
 * tests/java/run-junit.sh, which passes its JSON description in -Dstm32mp.boardsim.json).
 */
class BoardSimRunTest {
    static final List<String> STEP_IDS = List.of("config", "image", "devices", "serial-port", "network", "ssh",
            "target", "upload", "remoteproc", "verify");

    /** The request for the board-sim: every key of its description that the request understands. */
    static JsonObject boardRequest() throws Exception {
        String file = System.getProperty("stm32mp.boardsim.json");
        assertTrue(file != null && Files.isRegularFile(Path.of(file)),
                "board-sim description missing (-Dstm32mp.boardsim.json=" + file + "); run through ctest");
        JsonObject sim = JsonParser.parseString(Files.readString(Path.of(file))).getAsJsonObject();
        JsonObject request = new JsonObject();
        for (String key : List.of("host", "port", "user", "identity", "known_hosts", "serial", "probe_serial",
                "sysfs_root", "dev_root", "elf", "signed", "image_key", "remoteproc")) {
            JsonElement v = sim.get(key);
            if (v != null && !v.isJsonNull()) {
                request.add(key, v);
            }
        }
        // Real arm-none-eabi-gcc output (tests/firmware), passed by run-junit.sh.
        String elf = System.getProperty("stm32mp.test.elf", "");
        if (!elf.isEmpty()) {
            request.addProperty("elf", elf);
        }
        return request;
    }

    @Test
    void happyPathRunsEveryStepOk() throws Exception {
        JsonObject request = boardRequest();
        try (CheckRun run = PreLaunch.start(request.toString())) {
            int polls = 0;
            Progress last = run.progress();
            while (!run.waitFor(Duration.ofMillis(50))) {
                last = run.progress();
                assertTrue(last.stepsDone <= last.stepsTotal, last.toString());
                polls++;
            }
            Report report = Report.parse(run.reportJson());
            StringBuilder summary = new StringBuilder();
            for (StepResult s : report.steps) {
                summary.append(s.id).append('=').append(s.status);
                s.diagnostics.forEach(d -> summary.append(" [").append(d.code).append(": ").append(d.message).append(']'));
                summary.append('\n');
            }
            assertEquals(STEP_IDS, report.steps.stream().map(s -> s.id).toList());
            assertTrue(report.ok, "board-sim run not ok:\n" + summary);
            for (StepResult s : report.steps) {
                assertTrue(Map.of("ok", 1, "warning", 1).containsKey(s.status), s.id + " " + s.status + "\n" + summary);
            }
            assertTrue(run.progress().finished);
            // Every step is listed as started, in order, however few polls saw it run.
            assertEquals(STEP_IDS, run.progress().started.stream().map(Progress.Step::id).toList());
            System.out.println("[board-sim] ok after " + polls + " polls\n" + summary);
        }
    }

    @Test
    void wrongSerialPortIsReportedWithTheSuggestedPort() throws Exception {
        JsonObject request = boardRequest();
        assertTrue(request.has("serial"), "board-sim description has no serial port");
        String right = request.get("serial").getAsString();
        request.addProperty("serial", right + "-not-the-console");
        try (CheckRun run = PreLaunch.start(request.toString())) {
            Report report = Report.parse(run.reportJson());
            assertTrue(!report.ok, "a wrong serial port must fail the run");
            StepResult serial = report.step("serial-port").orElseThrow();
            assertEquals("error", serial.status, "serial-port step");
            assertEquals(List.of(CodeIds.SER002), serial.diagnostics.stream().map(d -> d.code).toList(), "codes");
            // The engine names devices as the target system sees them (/dev/…), whatever dev_root is.
            String suggested = report.suggestedSerialPort().orElse("");
            assertEquals("/dev/" + Path.of(right).getFileName(), suggested, "suggested_port of the serial-port step");
            // The suggestion is usable as is: with it, the serial-port step passes.
            request.addProperty("serial", suggested);
            com.google.gson.JsonArray only = new com.google.gson.JsonArray();
            List.of("config", "devices", "serial-port").forEach(only::add);
            request.add("only", only);
            try (CheckRun again = PreLaunch.start(request.toString())) {
                Report fixed = Report.parse(again.reportJson());
                assertEquals("ok", fixed.step("serial-port").orElseThrow().status, "serial-port with the suggested port");
            }
        }
    }

    /**
     * The plug-in's request path, end to end: a configuration whose host-key policy is unset sends no
     * host_key_policy, and the engine then refuses a board whose key is unknown (strict, SSH001) and records
     * nothing; with accept-new set the same board's key is recorded. The board's SSH server is all it relies
     * on (its own host key, which no known_hosts file of this test holds; no knob changes it).
     */
    @Test
    void aPluginRequestWithoutAHostKeyPolicyIsStrict() throws Exception {
        JsonObject sim = boardRequest();
        MapAttributes a = new MapAttributes();
        for (Setting s : Setting.values()) {
            JsonElement v = s.key == null ? null : sim.get(s.requestKey);
            if (v == null || v.isJsonNull()) {
                continue;
            }
            if (s.kind == Setting.Kind.INTEGER) {
                a.setInt(s.key, v.getAsInt());
            } else if (s.kind == Setting.Kind.TEXT) {
                a.set(s.key, v.getAsString());
            }
        }
        Path knownHosts = Files.createTempFile("prelaunch-known-hosts", "");
        try {
            a.set(Setting.KNOWN_HOSTS.key, knownHosts.toString());
            a.set(Setting.SKIP.key, "target,upload,remoteproc,verify");
            String request = CheckRequest.toJson(a, v -> v, null, null);
            assertTrue(!JsonParser.parseString(request).getAsJsonObject().has(Setting.HOST_KEY_POLICY.requestKey), request);
            StepResult ssh = sshStep(request);
            assertEquals("error", ssh.status, "ssh step without a host-key policy");
            assertEquals(List.of(CodeIds.SSH001), ssh.diagnostics.stream().map(d -> d.code).toList(), "ssh codes");
            assertEquals(0, Files.size(knownHosts), "a refused key is never recorded");

            a.set(Setting.HOST_KEY_POLICY.key, "accept-new");
            StepResult accepted = sshStep(CheckRequest.toJson(a, v -> v, null, null));
            assertTrue(!accepted.failed(), "ssh step with accept-new: " + accepted.status);
            assertTrue(Files.size(knownHosts) > 0, "accept-new records the board's key");
        } finally {
            Files.deleteIfExists(knownHosts);
        }
    }

    /**
     * Issue 11 from the IDE: with an SSH configuration that says StrictHostKeyChecking accept-new and no policy
     * chosen in the plug-in, the board's unknown key is accepted and recorded, as from the CLI; the policy
     * "strict" chosen explicitly still wins over the configuration (SSH001). The configuration is this test's
     * own file (ssh -G -F reads nothing of the user's); it relies only on the board's SSH server.
     */
    @Test
    void anSshConfigurationsAcceptNewAppliesWhenThePluginChoseNoPolicy() throws Exception {
        JsonObject sim = boardRequest();
        Path dir = Files.createTempDirectory("prelaunch-ssh-config");
        try {
            Path knownHosts = Files.createFile(dir.resolve("known_hosts"));
            Path config = dir.resolve("ssh_config");
            Files.writeString(config, "Host sim-board\n"
                    + "  HostName " + sim.get("host").getAsString() + "\n"
                    + "  Port " + sim.get("port").getAsInt() + "\n"
                    + "  User " + sim.get("user").getAsString() + "\n"
                    + "  IdentityFile " + sim.get("identity").getAsString() + "\n"
                    + "  IdentitiesOnly yes\n"
                    + "  StrictHostKeyChecking accept-new\n");
            MapAttributes a = new MapAttributes();
            a.set(Setting.HOST.key, "sim-board");
            a.set(Setting.SSH_CONFIG.key, config.toString());
            a.set(Setting.KNOWN_HOSTS.key, knownHosts.toString());
            a.set(Setting.SKIP.key, "devices,serial-port,target,upload,remoteproc,verify");

            a.set(Setting.HOST_KEY_POLICY.key, "strict");
            StepResult strict = sshStep(CheckRequest.toJson(a, v -> v, null, null));
            assertEquals("error", strict.status, "ssh step with strict chosen explicitly");
            assertEquals(List.of(CodeIds.SSH001), strict.diagnostics.stream().map(d -> d.code).toList(), "ssh codes");
            assertEquals(0, Files.size(knownHosts), "strict records nothing");

            a.set(Setting.HOST_KEY_POLICY.key, null);  // the forms' default choice
            String request = CheckRequest.toJson(a, v -> v, null, null);
            assertTrue(!JsonParser.parseString(request).getAsJsonObject().has(Setting.HOST_KEY_POLICY.requestKey), request);
            StepResult accepted = sshStep(request);
            assertTrue(!accepted.failed(), "ssh step with the configuration's accept-new: " + accepted.status + " "
                    + accepted.diagnostics.stream().map(d -> d.code + ": " + d.message).toList());
            assertTrue(Files.size(knownHosts) > 0, "accept-new from the SSH configuration records the board's key");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static StepResult sshStep(String request) throws Exception {
        try (CheckRun run = PreLaunch.start(request)) {
            return Report.parse(run.reportJson()).step("ssh").orElseThrow();
        }
    }
}
