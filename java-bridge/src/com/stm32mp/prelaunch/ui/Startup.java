package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.FailedLaunchWatcher;
import org.eclipse.ui.IStartup;

/**
 * org.eclipse.ui.startup: starts the bundle with the workbench (the activator makes ST's launcher
 * the preferred one) and watches launches, so a failed STM32CubeIDE production-mode launch gets the
 * diagnosis offer with nothing configured.
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
                watcher = new FailedLaunchWatcher(DiagnoseOffer::offer).install();
            }
        }
    }
}
