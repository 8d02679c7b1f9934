package com.stm32mp.prelaunch.model;

import java.util.Map;

/** One diagnostic of a step, as in the JSON contract (schema_version 1). */
public final class Diagnostic {
    public final String code;
    public final String severity;
    public final String message;
    public final Map<String, String> observed;
    public final String why;
    public final String fix;
    public final String doc;

    public Diagnostic(String code, String severity, String message, Map<String, String> observed,
            String why, String fix, String doc) {
        this.code = code;
        this.severity = severity;
        this.message = message;
        this.observed = Map.copyOf(observed);
        this.why = why;
        this.fix = fix;
        this.doc = doc;
    }

    public boolean isError() {
        return "error".equals(severity);
    }
}
