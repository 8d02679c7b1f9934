package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.LaunchKeys;
import java.util.Set;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchDelegate;

/**
 * Our second delegate on ST's launch type and ST's own one, which we only ever find at run time
 * (its id is not public). Every STM32 configuration shares ST's type, so ST's delegate is made the
 * type's preferred one and MP2 configurations opt in to ours one by one.
 */
public final class StDelegates {
    /** Our delegate on ST's type (plugin.xml); declared for "debug" only, so "run" stays unambiguous. */
    public static final String CHECKED_DELEGATE_ID = "com.stm32mp.prelaunch.stCheckedDelegate";
    public static final String MODE = "debug";
    private static final Set<String> MODES = Set.of(MODE);

    private StDelegates() {}

    static ILaunchConfigurationType stType() {
        return DebugPlugin.getDefault().getLaunchManager().getLaunchConfigurationType(LaunchKeys.ST_TYPE);
    }

    /** ST's delegate for this mode set: any delegate of ST's type that is not ours, or null. */
    public static ILaunchDelegate stDelegate(ILaunchConfigurationType type, Set<String> modes) throws CoreException {
        if (type == null) {
            return null;
        }
        ILaunchDelegate preferred = type.getPreferredDelegate(modes);
        if (preferred != null && !CHECKED_DELEGATE_ID.equals(preferred.getId())) {
            return preferred;
        }
        for (ILaunchDelegate d : type.getDelegates(modes)) {
            if (!CHECKED_DELEGATE_ID.equals(d.getId())) {
                return d;
            }
        }
        return null;
    }

    /** Like {@link #stDelegate} but a missing one is a CoreException saying what to install. */
    public static ILaunchDelegate requireStDelegate(ILaunchConfiguration config, String mode) throws CoreException {
        ILaunchDelegate d = stDelegate(config.getType(), Set.of(mode));
        if (d == null) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_ST_CONFIG_MISSING,
                    "No STM32CubeIDE launcher for '" + config.getName() + "' in " + mode + " mode. Fix: install or "
                            + "enable STM32CubeIDE's debug plug-in, or choose its launcher with 'Select other...'.",
                    null));
        }
        return d;
    }

    /**
     * At bundle start: when the type's debug launcher is not chosen yet, choose ST's, so that adding
     * ours never brings up "Select Preferred Launcher" on any existing STM32 configuration.
     *
     * @return true when the preference was set now
     */
    public static boolean preferStDelegateWhereUnset() throws CoreException {
        ILaunchConfigurationType type = stType();
        if (type == null || type.getPreferredDelegate(MODES) != null) {
            return false;
        }
        ILaunchDelegate st = stDelegate(type, MODES);
        if (st == null) {
            return false;
        }
        type.setPreferredDelegate(MODES, st);
        return true;
    }

    /** Opts one configuration in (checks before ST's sequence) or out (ST's launcher as before). */
    public static void setOptedIn(ILaunchConfigurationWorkingCopy wc, boolean in) {
        wc.setPreferredLaunchDelegate(MODES, in ? CHECKED_DELEGATE_ID : null);
    }

    public static boolean isOptedIn(ILaunchConfiguration c) {
        try {
            ILaunchDelegate d = c.getPreferredDelegate(MODES);
            return d != null && CHECKED_DELEGATE_ID.equals(d.getId());
        } catch (CoreException e) {
            return false;
        }
    }
}
