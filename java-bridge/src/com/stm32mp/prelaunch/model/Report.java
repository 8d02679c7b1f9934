package com.stm32mp.prelaunch.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's report, parsed from the JSON contract (schema_version 1). Unknown fields are ignored
 * (the contract is additive); a different schema_version is refused so we never misread a report.
 */
public final class Report {
    public static final int SCHEMA_VERSION = 1;

    public final String toolVersion;
    public final boolean ok;
    /** The run was cancelled (the engine's top-level "cancelled"): never a success, and not a failure to report. */
    public final boolean cancelled;
    public final List<StepResult> steps;

    private Report(String toolVersion, boolean ok, boolean cancelled, List<StepResult> steps) {
        this.toolVersion = toolVersion;
        this.ok = ok;
        this.cancelled = cancelled;
        this.steps = List.copyOf(steps);
    }

    public static Report parse(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        int schema = root.get("schema_version").getAsInt();
        if (schema != SCHEMA_VERSION) {
            throw new IllegalArgumentException("report schema_version " + schema + " is not supported (expected "
                    + SCHEMA_VERSION + "); install matching plug-in and engine");
        }
        List<StepResult> steps = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("steps")) {
            JsonObject s = e.getAsJsonObject();
            List<Diagnostic> diagnostics = new ArrayList<>();
            if (s.has("diagnostics")) {
                for (JsonElement d : s.getAsJsonArray("diagnostics")) {
                    JsonObject o = d.getAsJsonObject();
                    diagnostics.add(new Diagnostic(str(o, "code"), str(o, "severity"), str(o, "message"),
                            map(o, "observed"), str(o, "why"), str(o, "fix"), str(o, "doc")));
                }
            }
            long duration = s.has("duration_ms") ? s.get("duration_ms").getAsLong() : 0;
            steps.add(new StepResult(str(s, "id"), str(s, "title"), str(s, "status"), duration, map(s, "observed"),
                    diagnostics));
        }
        JsonObject tool = root.has("tool") ? root.getAsJsonObject("tool") : new JsonObject();
        boolean cancelled = root.has("cancelled") && root.get("cancelled").getAsBoolean();
        return new Report(str(tool, "version"), root.get("ok").getAsBoolean(), cancelled, steps);
    }

    public Optional<StepResult> step(String id) {
        return steps.stream().filter(s -> s.id.equals(id)).findFirst();
    }

    /** The serial port a serial-port diagnostic suggests (observed "suggested_port"), if any. */
    public Optional<String> suggestedSerialPort() {
        return step("serial-port").flatMap(s -> s.diagnostics.stream()
                .map(d -> d.observed.get("suggested_port")).filter(p -> p != null && !p.isEmpty()).findFirst());
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    private static Map<String, String> map(JsonObject o, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o.has(key) && o.get(key).isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject(key).entrySet()) {
                out.put(e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString());
            }
        }
        return out;
    }
}
