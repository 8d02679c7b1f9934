package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.bridge.PreLaunch;
import com.stm32mp.prelaunch.core.PreLaunchDelegate;
import com.stm32mp.prelaunch.core.StLaunches;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTabGroup;
import org.eclipse.debug.ui.CommonTab;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.debug.ui.ILaunchConfigurationTab;

/** Tabs of "STM32MP2 Cortex-M33 (pre-launch checked)": Target, Serial, Firmware, Debug, Checks, Common. */
public final class PreLaunchTabGroup extends AbstractLaunchConfigurationTabGroup {
    @Override
    public void createTabs(ILaunchConfigurationDialog dialog, String mode) {
        FormTab[] checks = new FormTab[1];
        checks[0] = new FormTab("Checks", parent -> new ChecksForm(parent,
                () -> PreLaunchDelegate.runChecks(checks[0].current, new NullProgressMonitor()),
                port -> applyPort(checks[0], port)));
        setTabs(new ILaunchConfigurationTab[] {
            new TargetTab(),
            new FormTab("Serial", parent -> new SerialForm(parent, PreLaunch::devicesJson)),
            new FormTab("Firmware", FirmwareForm::new),
            new FormTab("Debug", parent -> new DebugForm(parent, StLaunches::names, StLaunches::summary)),
            checks[0],
            new CommonTab()});
    }

    private static void applyPort(FormTab tab, String port) {
        if (tab.current == null) {
            return;
        }
        tab.current.setAttribute(Setting.SERIAL.key, port);
        try {
            ILaunchConfiguration st = StLaunches.find(tab.current.getAttribute(LaunchKeys.ST_CONFIG, ""));
            if (st != null) {
                var copy = st.getWorkingCopy();
                copy.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, port);
                copy.doSave();
            }
        } catch (CoreException e) {
            tab.showError("The STM32CubeIDE configuration could not be updated: " + e.getMessage());
        }
    }
}
