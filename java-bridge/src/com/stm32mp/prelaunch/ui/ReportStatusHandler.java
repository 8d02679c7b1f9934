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
 * instead of its generic error dialog, and we show every step with its fix and the quick fix.
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
            Shell parent = display.getActiveShell();
            new ReportDialog(parent, rs.configName(), rs.report(), port -> applyPort(rs.configName(), port)).openBlocking();
        });
        return null;
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
