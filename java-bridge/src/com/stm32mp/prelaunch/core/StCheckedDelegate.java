package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Report;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.model.ILaunchConfigurationDelegate;
import org.eclipse.debug.core.model.ILaunchConfigurationDelegate2;

/**
 * Our delegate on STM32CubeIDE's own launch type, used only by configurations that opted in. It
 * forwards every call to ST's delegate (found at run time) and, for MP2 production-mode
 * configurations, runs the steps that change nothing on the board in finalLaunchCheck: after the
 * build (the image exists) and before ST's sequence copies and starts the firmware, so nothing is
 * loaded twice. Anything else (a user who made ours the default for every STM32 configuration)
 * passes straight through.
 *
 * <p>getLaunch must be forwarded: CDT's delegate creates the launch object its launch() casts.
 * showCommandLine (ILaunchShowCommandsDelegate) does not exist in Eclipse 4.26, which we build
 * against, so it is not forwarded; with ours preferred the dialog simply offers no command line.
 */
public final class StCheckedDelegate implements ILaunchConfigurationDelegate2 {
    @Override
    public ILaunch getLaunch(ILaunchConfiguration config, String mode) throws CoreException {
        ILaunchConfigurationDelegate st = st(config, mode);
        return st instanceof ILaunchConfigurationDelegate2 ? ((ILaunchConfigurationDelegate2) st).getLaunch(config, mode)
                : null;  // null: the platform makes a plain Launch, as it would for ST's delegate
    }

    @Override
    public boolean preLaunchCheck(ILaunchConfiguration config, String mode, IProgressMonitor monitor)
            throws CoreException {
        ILaunchConfigurationDelegate st = st(config, mode);
        return !(st instanceof ILaunchConfigurationDelegate2)
                || ((ILaunchConfigurationDelegate2) st).preLaunchCheck(config, mode, monitor);
    }

    @Override
    public boolean buildForLaunch(ILaunchConfiguration config, String mode, IProgressMonitor monitor)
            throws CoreException {
        ILaunchConfigurationDelegate st = st(config, mode);
        // true = "build the workspace for me", the platform's answer for a delegate without the interface.
        return !(st instanceof ILaunchConfigurationDelegate2)
                || ((ILaunchConfigurationDelegate2) st).buildForLaunch(config, mode, monitor);
    }

    @Override
    public boolean finalLaunchCheck(ILaunchConfiguration config, String mode, IProgressMonitor monitor)
            throws CoreException {
        ILaunchConfigurationDelegate st = st(config, mode);
        SubMonitor sub = SubMonitor.convert(monitor, 10);
        if (StConfigs.isProductionMode(config)) {
            Report report = PreLaunchDelegate.runRequest(StConfigs.predictionRequest(config), sub.split(9));
            ReportSink.forEnvironment().write(config.getName(), report);
            if (!report.ok) {
                // Thrown, never a false return: false removes the launch without a word.
                throw new CoreException(StepStatuses.of(report, config.getName()));
            }
        }
        return !(st instanceof ILaunchConfigurationDelegate2)
                || ((ILaunchConfigurationDelegate2) st).finalLaunchCheck(config, mode, sub.split(1));
    }

    @Override
    public void launch(ILaunchConfiguration config, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        st(config, mode).launch(config, mode, launch, monitor);
    }

    private static ILaunchConfigurationDelegate st(ILaunchConfiguration config, String mode) throws CoreException {
        return StDelegates.requireStDelegate(config, mode).getDelegate();
    }
}
