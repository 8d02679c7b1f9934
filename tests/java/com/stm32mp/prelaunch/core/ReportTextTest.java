package com.stm32mp.prelaunch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stm32mp.prelaunch.model.Report;
import org.junit.jupiter.api.Test;

/** The console text leads like the dialog: the first failing step, its message and fix in full, then every step. */
class ReportTextTest {
    private static final String LONG_FIX = "In the Debugger tab of the debug configuration, set the preferred serial "
            + "device to /dev/ttyACM0 (STLINK-V3, serial 004A00233133510D37363734). ST-LINK virtual COM ports found: "
            + "/dev/ttyACM0 (STLINK-V3, serial 004A00233133510D37363734).";

    private static Report report(String serialStatus, String diagnostics) {
        return Report.parse("{\"schema_version\":1,\"tool\":{\"version\":\"0.1.0\"},\"ok\":" + !"error".equals(serialStatus)
                + ",\"steps\":["
                + "{\"id\":\"config\",\"title\":\"Configuration\",\"status\":\"ok\",\"duration_ms\":1,\"observed\":{},\"diagnostics\":[]},"
                + "{\"id\":\"serial-port\",\"title\":\"Preferred serial device\",\"status\":\"" + serialStatus
                + "\",\"duration_ms\":1,\"observed\":{},\"diagnostics\":[" + diagnostics + "]},"
                + "{\"id\":\"upload\",\"title\":\"Upload\",\"status\":\"skipped\",\"duration_ms\":0,\"observed\":{},\"diagnostics\":[]}]}");
    }

    @Test
    void leadsWithTheFirstFailureAndItsWholeFix() {
        Report r = report("error", "{\"code\":\"SER002\",\"severity\":\"error\",\"message\":\"The preferred serial device "
                + "/dev/ttyACM1 does not exist\",\"observed\":{},\"why\":\"w\",\"fix\":\"" + LONG_FIX
                + "\",\"doc\":\"docs/codes/SER002.md\"}");
        assertEquals("serial-port", ReportText.firstFailure(r).id);
        assertEquals("Step 2 of 3, serial-port (Preferred serial device) failed: SER002", ReportText.leadTitle(r));
        assertEquals("1 ok, 1 failed, 1 skipped", ReportText.counts(r));
        String[] lines = ReportText.render("Board CM33 Debug", r).split("\n");
        assertEquals("Step 2 of 3, serial-port (Preferred serial device) failed: SER002", lines[1]);
        assertEquals("  The preferred serial device /dev/ttyACM1 does not exist", lines[2]);
        assertEquals("  Fix: " + LONG_FIX, lines[3], "the fix in full, on one line, never cut");
        assertEquals("  Page: docs/codes/SER002.md (stm32mp-prelaunch explain SER002)", lines[4]);
        assertEquals("All steps (1 ok, 1 failed, 1 skipped):", lines[5]);
        assertTrue(lines[6].startsWith("[ok]") && lines[6].contains("config"), lines[6]);
    }

    @Test
    void aPassingReportHasNoLead() {
        Report r = report("ok", "");
        assertNull(ReportText.firstFailure(r));
        assertEquals("All 3 checks passed.", ReportText.leadTitle(r));
        String text = ReportText.render("Board CM33 Debug", r);
        assertTrue(!text.contains("All steps (") && text.endsWith("All checks passed.\n"), text);
    }
}
