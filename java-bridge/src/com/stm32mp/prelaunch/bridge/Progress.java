package com.stm32mp.prelaunch.bridge;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/** One progress snapshot of a run, as polled from Java (the native side never calls back). */
public final class Progress {
    /** A step the run has started, in the run's order. */
    public record Step(String id, String title) {}

    public final String stepId;
    public final String stepTitle;
    public final int stepsDone;
    public final int stepsTotal;
    /** Percentage of the current step (upload), or -1 when the step has no measurable progress. */
    public final int percent;
    public final boolean finished;
    /** Every step started so far, in order, also those that began and ended between two polls. */
    public final List<Step> started;

    public Progress(String stepId, String stepTitle, int stepsDone, int stepsTotal, int percent, boolean finished,
            List<Step> started) {
        this.stepId = stepId;
        this.stepTitle = stepTitle;
        this.stepsDone = stepsDone;
        this.stepsTotal = stepsTotal;
        this.percent = percent;
        this.finished = finished;
        this.started = List.copyOf(started);
    }

    static Progress parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        List<Step> started = new ArrayList<>();
        if (o.has("started")) {
            for (JsonElement e : o.getAsJsonArray("started")) {
                JsonObject s = e.getAsJsonObject();
                started.add(new Step(s.get("id").getAsString(), s.get("title").getAsString()));
            }
        }
        return new Progress(o.get("step_id").getAsString(), o.get("step_title").getAsString(),
                o.get("steps_done").getAsInt(), o.get("steps_total").getAsInt(),
                o.get("percent").getAsInt(), o.get("finished").getAsBoolean(), started);
    }

    @Override
    public String toString() {
        return stepsDone + "/" + stepsTotal + " " + stepId + (percent >= 0 ? " " + percent + "%" : "")
                + (finished ? " (finished)" : "");
    }
}
