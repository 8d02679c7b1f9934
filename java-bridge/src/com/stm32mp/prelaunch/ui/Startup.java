package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.FailedLaunchWatcher;
import com.stm32mp.prelaunch.core.FailedLaunchWatcher.FailedLaunch;
import com.stm32mp.prelaunch.core.StDelegates;
import org.eclipse.ui.IStartup;

/**
 * org.eclipse.ui.startup: starts the bundle with the workbench (the activator makes ST's launcher
 * the preferred one) and watches launches, so a failed STM32CubeIDE production-mode launch gets the
 * diagnosis offer with nothing configured, and one that opted in to the checks gets the diagnosis itself.
 */
public final class Startup implements IStartup {
    private static FailedLaunchWatcher watcher;

    /** Whether the workbench ran our early startup (the diagnosis offer is only made then). */
    public static synchronized boolean isWatching() {
        return watcher != null;
    }

    @Override
    public void earlyStartup() {
        synchronized (Startup.class) {
            if (watcher == null) {
                try {
                    StTabContribution.contribute();  // our tab in ST's dialog, before any launch dialog opens
                } catch (RuntimeException | LinkageError e) {
                    // Without the tab the offer and the opt-in launcher still work: log, never stop here.
                    org.eclipse.debug.core.DebugPlugin.log(e);
                }
                watcher = new FailedLaunchWatcher(Startup::onFailedLaunch).install();
            }
        }
    }

    /**
     * A configuration that opted in already asked for the checks on every launch: when ST's sequence
     * fails after they passed, the diagnosis of that load starts at once (no offer to click). Any
     * other MP2 configuration gets the offer, so nobody who did not ask is interrupted by a report.
     */
    static void onFailedLaunch(FailedLaunch failed) {
        if (StDelegates.isOptedIn(failed.config())) {
            Diagnosis.start(failed);
        } else {
            DiagnoseOffer.offer(failed);
        }
    }
}
