package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Diagnostic;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.StepResult;
import java.util.Map;

/** Plain-text rendering of a report for the console (built from the JSON contract, never from CLI text). */
public final class ReportText {
    private static final Map<String, String> MARK = Map.of("ok", "[ok]  ", "warning", "[warn]", "error", "[FAIL]",
            "skipped", "[skip]", "crashed", "[BUG] ");

    private ReportText() {}

    /** The first failing step, or null when every step passed. */
    public static StepResult firstFailure(Report report) {
        return report.steps.stream().filter(StepResult::failed).findFirst().orElse(null);
    }

    /** "Step 4 of 10, serial-port (Serial port) failed: SER002", or the success line. */
    public static String leadTitle(Report report) {
        StepResult s = firstFailure(report);
        if (s == null) {
            return "All " + report.steps.size() + " checks passed.";
        }
        Diagnostic d = s.headline();
        return "Step " + (report.steps.indexOf(s) + 1) + " of " + report.steps.size() + ", " + s.id
                + (s.title.isEmpty() || s.title.equals(s.id) ? "" : " (" + s.title + ")") + " failed"
                + (d == null ? "" : ": " + d.code);
    }

    /** "7 ok, 1 failed, 2 skipped": each status that occurs, in a fixed order. */
    public static String counts(Report report) {
        StringBuilder b = new StringBuilder();
        for (String status : new String[] {"ok", "warning", "error", "crashed", "skipped"}) {
            long n = report.steps.stream().filter(s -> s.status.equals(status)).count();
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(n).append(' ')
                        .append(status.equals("error") ? "failed" : status);
            }
        }
        return b.toString();
    }

    public static String render(String configName, Report report) {
        StringBuilder out = new StringBuilder();
        out.append("STM32MP2 pre-launch checks for '").append(configName).append("' (engine ").append(report.toolVersion)
                .append(")\n");
        StepResult first = firstFailure(report);
        if (first != null) {
            // The lead, as in the dialog: what failed and what to do, in full, before any detail.
            out.append(leadTitle(report)).append('\n');
            Diagnostic d = first.headline();
            if (d != null) {
                out.append("  ").append(d.message).append('\n');
                if (!d.fix.isEmpty()) {
                    out.append("  Fix: ").append(d.fix).append('\n');
                }
                out.append("  Page: ").append(d.doc).append(" (stm32mp-prelaunch explain ").append(d.code).append(")\n");
            }
            out.append("All steps (").append(counts(report)).append("):\n");
        }
        for (StepResult s : report.steps) {
            out.append(MARK.getOrDefault(s.status, "[" + s.status + "]")).append(' ').append(s.id);
            if (!s.title.isEmpty() && !s.title.equals(s.id)) {
                out.append(" \u2014 ").append(s.title);
            }
            out.append(" (").append(s.durationMs).append(" ms)\n");
            s.observed.forEach((k, v) -> out.append("         ").append(k).append(" = ").append(v).append('\n'));
            for (Diagnostic d : s.diagnostics) {
                out.append("       ").append(d.severity).append(' ').append(d.code).append(": ").append(d.message).append('\n');
                d.observed.forEach((k, v) -> out.append("         ").append(k).append(" = ").append(v).append('\n'));
                if (!d.why.isEmpty()) {
                    out.append("         why: ").append(d.why).append('\n');
                }
                if (!d.fix.isEmpty()) {
                    out.append("         fix: ").append(d.fix).append('\n');
                }
                if (!d.doc.isEmpty()) {
                    out.append("         see: ").append(d.doc).append('\n');
                }
            }
        }
        out.append(report.ok ? "All checks passed.\n" : "Checks failed: the debug session was not started.\n");
        return out.toString();
    }
}
