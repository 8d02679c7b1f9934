package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Report;
import org.eclipse.core.runtime.MultiStatus;

/** The top status of a failed run: keeps the parsed report and the configuration for the dialog and quick fix. */
public final class ReportStatus extends MultiStatus {
    private final Report report;
    private final String configName;

    ReportStatus(String message, Report report, String configName) {
        super(PluginIds.PLUGIN_ID, PluginIds.STATUS_STEPS_FAILED, message, null);
        this.report = report;
        this.configName = configName;
    }

    public Report report() {
        return report;
    }

    /** Name of our launch configuration that produced the report. */
    public String configName() {
        return configName;
    }
}
