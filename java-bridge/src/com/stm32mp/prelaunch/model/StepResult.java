package com.stm32mp.prelaunch.model;

import java.util.List;
import java.util.Map;

/** One step of a report: id, status (ok|warning|error|skipped|crashed|cancelled), facts and diagnostics. */
public final class StepResult {
    public final String id;
    public final String title;
    public final String status;
    public final long durationMs;
    public final Map<String, String> observed;
    public final List<Diagnostic> diagnostics;

    public StepResult(String id, String title, String status, long durationMs, Map<String, String> observed,
            List<Diagnostic> diagnostics) {
        this.id = id;
        this.title = title;
        this.status = status;
        this.durationMs = durationMs;
        this.observed = Map.copyOf(observed);
        this.diagnostics = List.copyOf(diagnostics);
    }

    public boolean failed() {
        return "error".equals(status) || "crashed".equals(status) || "cancelled".equals(status);
    }

    /** The first diagnostic with an error severity, else the first one, else null. */
    public Diagnostic headline() {
        return diagnostics.stream().filter(Diagnostic::isError).findFirst()
                .orElse(diagnostics.isEmpty() ? null : diagnostics.get(0));
    }
}
