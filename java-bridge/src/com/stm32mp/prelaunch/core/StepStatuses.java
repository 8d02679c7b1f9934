package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Diagnostic;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.StepResult;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.MultiStatus;
import org.eclipse.core.runtime.Status;

/**
 * Turns a report into the MultiStatus a failed launch carries: one {@link StepStatus} child per
 * step (in run order), each with one child per diagnostic ("CODE: message — Fix: …"). Skipped steps
 * are INFO, never CANCEL: a CANCEL child would turn the whole failure into a silent cancellation.
 */
public final class StepStatuses {
    private StepStatuses() {}

    /** A step's status; keeps the step id and the diagnostic codes for the dialog, tests and quick fix. */
    public static final class StepStatus extends MultiStatus {
        private final StepResult step;

        StepStatus(StepResult step) {
            super(PluginIds.PLUGIN_ID, PluginIds.STATUS_STEPS_FAILED, headline(step), null);
            this.step = step;
            setSeverity(severity(step.status));
        }

        public StepResult step() {
            return step;
        }

        public String stepId() {
            return step.id;
        }

        public java.util.List<String> codes() {
            return step.diagnostics.stream().map(d -> d.code).toList();
        }
    }

    public static ReportStatus of(Report report, String configName) {
        long failed = report.steps.stream().filter(StepResult::failed).count();
        ReportStatus top = new ReportStatus("Pre-launch checks for '" + configName + "' failed in " + failed + " of "
                + report.steps.size() + " steps" + firstFailure(report), report, configName);
        for (StepResult step : report.steps) {
            StepStatus child = new StepStatus(step);
            for (Diagnostic d : step.diagnostics) {
                child.add(new Status(diagnosticSeverity(d.severity), PluginIds.PLUGIN_ID, PluginIds.STATUS_STEPS_FAILED,
                        d.code + ": " + d.message + (d.fix.isEmpty() ? "" : " \u2014 Fix: " + d.fix), null));
            }
            top.add(child);
        }
        return top;
    }

    static int severity(String stepStatus) {
        switch (stepStatus) {
            case "error":
            case "crashed":
            case "cancelled":  // an ERROR child, not CANCEL: a CANCEL child would hide the report (see above)
                return IStatus.ERROR;
            case "warning":
                return IStatus.WARNING;
            case "skipped":
                return IStatus.INFO;
            default:
                return IStatus.OK;
        }
    }

    static int diagnosticSeverity(String severity) {
        return "error".equals(severity) ? IStatus.ERROR : "warning".equals(severity) ? IStatus.WARNING : IStatus.INFO;
    }

    private static String headline(StepResult step) {
        Diagnostic d = step.headline();
        String title = step.title.isEmpty() ? step.id : step.title;
        return "[" + step.id + "] " + title + ": " + step.status + (d == null ? "" : " \u2014 " + d.code + ": " + d.message);
    }

    private static String firstFailure(Report report) {
        return report.steps.stream().filter(StepResult::failed).findFirst().map(s -> {
            Diagnostic d = s.headline();
            return ": first at '" + s.id + "'" + (d == null ? "" : " (" + d.code + ": " + d.message + ")");
        }).orElse("");
    }
}
