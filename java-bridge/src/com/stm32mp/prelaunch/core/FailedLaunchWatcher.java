package com.stm32mp.prelaunch.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchListener;

/**
 * Notices a failed launch of an MP2 production-mode STM32CubeIDE configuration without any ST id
 * or status code: the launch job ("Launching X") registers its launch from its own worker thread
 * (ILaunchListener.launchAdded) and ends on that thread with the error the user sees. Pairing the
 * two by thread needs no localized job name. Non-MP2 configurations are never reported; failures
 * that already carry our own report (an opted-in configuration stopped by the checks) neither.
 */
public final class FailedLaunchWatcher extends JobChangeAdapter implements ILaunchListener {
    /** What the listener hands on: the configuration, when its launch started, and the job's error. */
    public record FailedLaunch(ILaunchConfiguration config, long startedAtMillis, IStatus failure) {}

    private record Attempt(ILaunchConfiguration config, long startedAtMillis) {}

    private final Map<Thread, Attempt> attempts = new ConcurrentHashMap<>();
    private final Consumer<FailedLaunch> onFailure;

    public FailedLaunchWatcher(Consumer<FailedLaunch> onFailure) {
        this.onFailure = onFailure;
    }

    /** Starts listening to the job manager and the launch manager. */
    public FailedLaunchWatcher install() {
        DebugPlugin.getDefault().getLaunchManager().addLaunchListener(this);
        Job.getJobManager().addJobChangeListener(this);
        return this;
    }

    public void uninstall() {
        Job.getJobManager().removeJobChangeListener(this);
        DebugPlugin.getDefault().getLaunchManager().removeLaunchListener(this);
        attempts.clear();
    }

    @Override
    public void launchAdded(ILaunch launch) {
        ILaunchConfiguration c = launch.getLaunchConfiguration();
        if (StConfigs.isProductionMode(c)) {
            attempts.put(Thread.currentThread(), new Attempt(c, System.currentTimeMillis()));
        }
    }

    @Override
    public void launchRemoved(ILaunch launch) {
        // A failed launch is removed before its job ends; the attempt is kept until done().
    }

    @Override
    public void launchChanged(ILaunch launch) {
        // Not needed: only the start and the job's outcome matter.
    }

    @Override
    public void done(IJobChangeEvent event) {
        Attempt a = attempts.get(Thread.currentThread());
        // The job name check keeps a launch made outside any job from being blamed on a later job.
        if (a == null || !event.getJob().getName().contains(a.config().getName())) {
            return;
        }
        attempts.remove(Thread.currentThread());
        IStatus result = event.getResult();
        if (result == null || result.getSeverity() != IStatus.ERROR || ownReport(result)) {
            return;
        }
        try {
            onFailure.accept(new FailedLaunch(a.config(), a.startedAtMillis(), result));
        } catch (RuntimeException e) {
            // A listener must never break the job manager's notification of other listeners.
            DebugPlugin.log(e);
        }
    }

    private static boolean ownReport(IStatus s) {
        return PluginIds.PLUGIN_ID.equals(s.getPlugin()) && s.getCode() == PluginIds.STATUS_STEPS_FAILED;
    }
}
