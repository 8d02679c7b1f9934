package com.stm32mp.prelaunch.bridge;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** One progress snapshot of a run, as polled from Java (the native side never calls back). */
public final class Progress {
    public final String stepId;
    public final String stepTitle;
    public final int stepsDone;
    public final int stepsTotal;
    /** Percentage of the current step (upload), or -1 when the step has no measurable progress. */
    public final int percent;
    public final boolean finished;

    public Progress(String stepId, String stepTitle, int stepsDone, int stepsTotal, int percent, boolean finished) {
        this.stepId = stepId;
        this.stepTitle = stepTitle;
        this.stepsDone = stepsDone;
        this.stepsTotal = stepsTotal;
        this.percent = percent;
        this.finished = finished;
    }

    static Progress parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new Progress(o.get("step_id").getAsString(), o.get("step_title").getAsString(),
                o.get("steps_done").getAsInt(), o.get("steps_total").getAsInt(),
                o.get("percent").getAsInt(), o.get("finished").getAsBoolean());
    }

    @Override
    public String toString() {
        return stepsDone + "/" + stepsTotal + " " + stepId + (percent >= 0 ? " " + percent + "%" : "")
                + (finished ? " (finished)" : "");
    }
}
