package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;

/** Finding STM32CubeIDE debug configurations by name, reading their attributes, and the quick fix. */
public final class StLaunches {
    private StLaunches() {}

    /** ST's configurations (empty when ST's plug-in, and so its type, is absent). */
    public static ILaunchConfiguration[] all() throws CoreException {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationType type = manager.getLaunchConfigurationType(LaunchKeys.ST_TYPE);
        return type == null ? new ILaunchConfiguration[0] : manager.getLaunchConfigurations(type);
    }

    /** The ST configuration with this name, or null. */
    public static ILaunchConfiguration find(String name) throws CoreException {
        if (name == null || name.isEmpty()) {
            return null;
        }
        for (ILaunchConfiguration c : all()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Like {@link #find} but a missing configuration is a CoreException with a fix. */
    public static ILaunchConfiguration require(String name) throws CoreException {
        ILaunchConfiguration c = find(name);
        if (c == null) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_ST_CONFIG_MISSING,
                    name == null || name.isEmpty()
                            ? "No STM32CubeIDE debug configuration is selected. Fix: pick one in the Debug tab."
                            : "STM32CubeIDE debug configuration '" + name + "' (type " + LaunchKeys.ST_TYPE
                                    + ") does not exist. Fix: pick an existing one in the Debug tab.",
                    null));
        }
        return c;
    }

    /** Names of ST's configurations; empty when none can be read. */
    public static java.util.List<String> names() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try {
            for (ILaunchConfiguration c : all()) {
                out.add(c.getName());
            }
        } catch (CoreException e) {
            // Unreadable configurations: the Debug tab shows an empty list and its validation says so.
        }
        return out;
    }

    /** serialDeviceLoader, inetAddrLoader and program of the named ST configuration (only those set). */
    public static java.util.Map<String, String> summary(String name) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            ILaunchConfiguration c = find(name);
            if (c != null) {
                for (String key : new String[] {LaunchKeys.ST_SERIAL_DEVICE, LaunchKeys.ST_INET_ADDR, LaunchKeys.ST_PROGRAM}) {
                    String v = attribute(c, key);
                    if (!v.isEmpty()) {
                        out.put(key, v);
                    }
                }
            }
        } catch (CoreException e) {
            // Shown as "(not set)".
        }
        return out;
    }

    public static String attribute(ILaunchConfiguration c, String key) {
        try {
            return c.getAttribute(key, "");
        } catch (CoreException e) {
            return "";
        }
    }

    /**
     * The quick fix of the seed case: writes the serial port the serial-port step found into our
     * configuration and into the referenced ST configuration's serialDeviceLoader, and saves both.
     *
     * @return the ST configuration that was updated, or null when none is referenced
     */
    public static ILaunchConfiguration applySerialPort(ILaunchConfiguration ours, String port) throws CoreException {
        ILaunchConfigurationWorkingCopy wc = ours.getWorkingCopy();
        wc.setAttribute(Setting.SERIAL.key, port);
        wc.doSave();
        ILaunchConfiguration st = find(ours.getAttribute(LaunchKeys.ST_CONFIG, ""));
        if (st == null) {
            return null;
        }
        ILaunchConfigurationWorkingCopy stCopy = st.getWorkingCopy();
        stCopy.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, port);
        return stCopy.doSave();
    }
}
