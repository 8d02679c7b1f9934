package com.stm32mp.prelaunch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stm32mp.prelaunch.model.Report;
import org.eclipse.core.runtime.IStatus;
import org.junit.jupiter.api.Test;

/** Report → MultiStatus mapping (plain JVM with equinox.common on the class path). */
class StepStatusesTest {
    @Test
    void oneChildPerStepAndSkippedIsNeverCancel() {
        String json = "{\"schema_version\":1,\"tool\":{\"version\":\"0.1.0\"},\"ok\":false,\"steps\":["
                + "{\"id\":\"config\",\"title\":\"Configuration\",\"status\":\"ok\",\"duration_ms\":1,\"observed\":{},\"diagnostics\":[]},"
                + "{\"id\":\"serial-port\",\"title\":\"Serial\",\"status\":\"error\",\"duration_ms\":1,\"observed\":{},"
                + "\"diagnostics\":[{\"code\":\"SER002\",\"severity\":\"error\",\"message\":\"missing\",\"observed\":{},\"why\":\"\",\"fix\":\"set it\",\"doc\":\"\"}]},"
                + "{\"id\":\"network\",\"title\":\"Network\",\"status\":\"skipped\",\"duration_ms\":0,\"observed\":{},\"diagnostics\":[]},"
                + "{\"id\":\"ssh\",\"title\":\"SSH\",\"status\":\"warning\",\"duration_ms\":0,\"observed\":{},\"diagnostics\":[]}]}";
        ReportStatus status = StepStatuses.of(Report.parse(json), "cfg");
        assertEquals(IStatus.ERROR, status.getSeverity());
        assertEquals(PluginIds.STATUS_STEPS_FAILED, status.getCode());
        assertTrue(status.getMessage().contains("first at 'serial-port' (SER002: missing)"), status.getMessage());
        IStatus[] children = status.getChildren();
        assertEquals(4, children.length);
        assertEquals(IStatus.OK, children[0].getSeverity());
        assertEquals(IStatus.ERROR, children[1].getSeverity());
        assertEquals(IStatus.INFO, children[2].getSeverity(), "skipped is INFO, never CANCEL");
        assertEquals(IStatus.WARNING, children[3].getSeverity());
        assertEquals("SER002: missing \u2014 Fix: set it", children[1].getChildren()[0].getMessage());
        assertEquals("serial-port", ((StepStatuses.StepStatus) children[1]).stepId());
    }
}
