package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.core.ReportStatus;
import com.stm32mp.prelaunch.core.StConfigs;
import com.stm32mp.prelaunch.core.StLaunches;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.IStatusHandler;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;

/**
 * Registered for (com.stm32mp.prelaunch, 1001): when a launch of our type (or an opted-in ST
 * configuration) fails its checks, Eclipse calls this
 * instead of its generic error dialog, and we show every step with its fix and the quick fix, over
 * the Debug Configurations dialog when that is what called us.
 */
public final class ReportStatusHandler implements IStatusHandler {
    @Override
    public Object handleStatus(IStatus status, Object source) {
        if (!(status instanceof ReportStatus)) {
            return null;
        }
        ReportStatus rs = (ReportStatus) status;
        Display display = Display.getDefault();
        display.syncExec(() -> {
            Shell opening = openingDialog(source);
            if (opening != null) {
                // Eclipse 4.26 opens the Debug Configurations dialog for a failed launch and calls us while it
                // is still being created, hidden. The report waits until the dialog shows, then opens over it:
                // the configuration the fix changes is the one the user sees underneath.
                whenVisible(display, opening, 50, () -> show(rs, opening.isDisposed() ? display.getActiveShell() : opening));
            } else {
                show(rs, display.getActiveShell());
            }
        });
        return null;
    }

    private static void show(ReportStatus rs, Shell parent) {
        new ReportDialog(parent, rs.configName(), rs.report(), port -> applyPort(rs.configName(), port)).openBlocking();
    }

    /** The shell of a dialog that asked us while it is not shown yet (the launch dialog's initial status), or null. */
    static Shell openingDialog(Object source) {
        if (source instanceof org.eclipse.jface.window.Window) {
            Shell shell = ((org.eclipse.jface.window.Window) source).getShell();
            if (shell != null && !shell.isDisposed() && !shell.isVisible()) {
                return shell;
            }
        }
        return null;
    }

    /** Runs {@code then} once {@code shell} is visible (or gone), polling every 100 ms at most {@code tries} times. */
    private static void whenVisible(Display display, Shell shell, int tries, Runnable then) {
        display.timerExec(100, () -> {
            if (shell.isDisposed() || shell.isVisible() || tries <= 0) {
                then.run();
            } else {
                whenVisible(display, shell, tries - 1, then);
            }
        });
    }

    static void applyPort(String configName, String port) {
        try {
            ILaunchConfigurationType type = DebugPlugin.getDefault().getLaunchManager()
                    .getLaunchConfigurationType(PluginIds.LAUNCH_TYPE_ID);
            for (ILaunchConfiguration c : DebugPlugin.getDefault().getLaunchManager().getLaunchConfigurations(type)) {
                if (c.getName().equals(configName)) {
                    StLaunches.applySerialPort(c, port);
                    return;
                }
            }
            // An opted-in STM32CubeIDE configuration stopped by the checks before ST's sequence.
            ILaunchConfiguration st = StLaunches.find(configName);
            if (st != null) {
                StConfigs.applySerialPort(st, port);
            }
        } catch (CoreException e) {
            DebugPlugin.log(e);
        }
    }
}
