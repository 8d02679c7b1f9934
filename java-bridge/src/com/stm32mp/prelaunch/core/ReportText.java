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

    public static String render(String configName, Report report) {
        StringBuilder out = new StringBuilder();
        out.append("STM32MP2 pre-launch checks for '").append(configName).append("' (engine ").append(report.toolVersion)
                .append(")\n");
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
