package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.bridge.Progress;
import org.eclipse.core.runtime.IProgressMonitor;

/**
 * Turns the engine's polled snapshots into the monitor's calls: one "Step i/n: title" per step, in
 * order, also for a step that began and ended between two polls (the snapshot lists every step
 * started), the upload's percentage while it runs, and the work done so far. What the progress
 * dialog shows therefore does not depend on the polling interval.
 */
final class StepProgress {
    private final IProgressMonitor sub;
    private final int work;
    private int announced;
    private int reported;

    /** {@code sub} has {@code work} units for the whole run (a SubMonitor converted for it). */
    StepProgress(IProgressMonitor sub, int work) {
        this.sub = sub;
        this.work = work;
    }

    void update(Progress p) {
        if (p.stepsTotal <= 0) {
            return;
        }
        for (; announced < p.started.size(); announced++) {
            sub.subTask(label(announced, p.stepsTotal, p.started.get(announced)));
        }
        if (p.percent >= 0 && !p.finished && announced > 0) {
            sub.subTask(label(announced - 1, p.stepsTotal, p.started.get(announced - 1)) + " (" + p.percent + "%)");
        }
        double within = p.percent >= 0 ? p.percent / 100.0 : 0.0;
        int target = (int) Math.min(work, work * (p.stepsDone + within) / p.stepsTotal);
        if (target > reported) {
            sub.worked(target - reported);
            reported = target;
        }
    }

    private static String label(int index, int total, Progress.Step step) {
        return "Step " + (index + 1) + "/" + total + ": " + (step.title().isEmpty() ? step.id() : step.title());
    }
}
