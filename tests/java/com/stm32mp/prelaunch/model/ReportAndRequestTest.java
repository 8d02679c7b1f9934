package com.stm32mp.prelaunch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** The Java side of the JSON contract: parsing reports and building requests (no native code). */
class ReportAndRequestTest {
    static final String REPORT = "{\"schema_version\":1,\"tool\":{\"name\":\"stm32mp-prelaunch\",\"version\":\"0.1.0\"},"
            + "\"ok\":false,\"future_field\":[1,2],\"steps\":["
            + "{\"id\":\"config\",\"title\":\"Configuration\",\"status\":\"ok\",\"duration_ms\":3,\"observed\":{\"user\":\"root\"},\"diagnostics\":[]},"
            + "{\"id\":\"serial-port\",\"title\":\"Preferred serial device\",\"status\":\"error\",\"duration_ms\":1,\"observed\":{},"
            + "\"diagnostics\":[{\"code\":\"SER002\",\"severity\":\"error\",\"message\":\"missing\",\"observed\":{\"suggested_port\":\"/dev/ttyACM0\"},"
            + "\"why\":\"w\",\"fix\":\"f\",\"doc\":\"docs/codes/SER002.md\"}]},"
            + "{\"id\":\"network\",\"title\":\"Network\",\"status\":\"skipped\",\"duration_ms\":0}]}";

    @Test
    void parsesStepsDiagnosticsAndTheSuggestedPort() {
        Report r = Report.parse(REPORT);
        assertFalse(r.ok);
        assertEquals("0.1.0", r.toolVersion);
        assertEquals(3, r.steps.size());
        StepResult serial = r.step("serial-port").orElseThrow();
        assertTrue(serial.failed());
        assertEquals("SER002", serial.headline().code);
        assertEquals("/dev/ttyACM0", r.suggestedSerialPort().orElseThrow());
        assertTrue(r.step("network").orElseThrow().diagnostics.isEmpty(), "missing diagnostics array is empty");
    }

    @Test
    void aCancelledRunIsCancelledAndItsCancelledStepFailed() {
        assertFalse(Report.parse(REPORT).cancelled, "no \"cancelled\" field (an older engine): not cancelled");
        Report r = Report.parse(REPORT.replace("\"ok\":false,", "\"ok\":false,\"cancelled\":true,")
                .replace("\"status\":\"error\"", "\"status\":\"cancelled\""));
        assertTrue(r.cancelled);
        assertTrue(r.step("serial-port").orElseThrow().failed(), "a cancelled step is never a passed one");
    }

    @Test
    void refusesAnotherSchemaVersion() {
        assertThrows(IllegalArgumentException.class, () -> Report.parse(REPORT.replace("\"schema_version\":1", "\"schema_version\":2")));
    }

    @Test
    void requestCarriesTheCliSettingsAndHidesThePassword() {
        MapAttributes a = new MapAttributes();
        a.set(Setting.HOST.key, " 192.168.7.1 ");
        a.setInt(Setting.PORT.key, 2222);
        a.set(LaunchKeys.AUTH, "password");
        a.set(Setting.IDENTITY.key, "/home/u/.ssh/id_ed25519");
        a.set(Setting.SIGNED_IMAGE.key, "${workspace_loc:/P/fw_sign.bin}");
        a.set(Setting.ONLY.key, "devices, serial-port,");
        String json = CheckRequest.toJson(a, v -> v.replace("${workspace_loc:/P/fw_sign.bin}", "/ws/P/fw_sign.bin"),
                "/ws/.launches/P Debug.launch", "pw\"with quote");
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertEquals("192.168.7.1", o.get("host").getAsString());
        assertEquals(2222, o.get("port").getAsInt());
        assertEquals("/ws/P/fw_sign.bin", o.get("signed").getAsString());
        assertEquals("/ws/.launches/P Debug.launch", o.get("launch").getAsString());
        assertEquals("pw\"with quote", o.get("password").getAsString());
        assertFalse(o.has("identity"), "identity is only sent for key authentication");
        assertEquals(2, o.getAsJsonArray("only").size());
        assertEquals("root", o.get("user").getAsString());
        assertEquals("m33", o.get("remoteproc").getAsString());
        String described = CheckRequest.describe(json);
        assertFalse(described.contains("with quote"), described);
    }

    @Test
    void requestCarriesNoExecUploadAndTheSshConfiguration() {
        MapAttributes plain = new MapAttributes();
        plain.set(Setting.HOST.key, "board");
        JsonObject p = JsonParser.parseString(CheckRequest.toJson(plain, v -> v, null, null)).getAsJsonObject();
        assertFalse(p.has("exec_upload"), "the fallback is on unless turned off");
        assertFalse(p.has("ssh_config"));
        assertEquals(22, p.get("port").getAsInt());

        MapAttributes a = new MapAttributes();
        a.set(Setting.HOST.key, "lab-board");
        a.set(Setting.EXEC_UPLOAD.key, "false");
        a.set(Setting.SSH_CONFIG.key, "${workspace_loc}/ssh_config");
        JsonObject o = JsonParser.parseString(CheckRequest.toJson(a, v -> v.replace("${workspace_loc}", "/ws"), null, null))
                .getAsJsonObject();
        assertFalse(o.get("exec_upload").getAsBoolean());
        assertEquals("/ws/ssh_config", o.get("ssh_config").getAsString());
        assertFalse(o.has("port"), "with an SSH configuration its Port applies unless one was set");
        assertFalse(o.has("user"), "with an SSH configuration its User applies unless one was set");
        a.setInt(Setting.PORT.key, 2222);
        a.set(Setting.USER.key, "dev");
        JsonObject given = JsonParser.parseString(CheckRequest.toJson(a, v -> v, null, null)).getAsJsonObject();
        assertEquals(2222, given.get("port").getAsInt());
        assertEquals("dev", given.get("user").getAsString());
    }
}
