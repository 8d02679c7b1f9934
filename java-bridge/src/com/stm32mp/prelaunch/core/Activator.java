package com.stm32mp.prelaunch.core;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Bundle start (early, through org.eclipse.ui.startup in the IDE): keeps every existing STM32
 * configuration on ST's launcher by making it the type's preferred one when none is chosen.
 */
public final class Activator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        try {
            StDelegates.preferStDelegateWhereUnset();
        } catch (CoreException | RuntimeException e) {
            // Never stop the bundle (or the IDE) over this: the platform's own prompt is the fallback.
            DebugPlugin.log(new Status(IStatus.WARNING, PluginIds.PLUGIN_ID,
                    "Could not make STM32CubeIDE's launcher the preferred one: " + e.getMessage(), e));
        }
    }

    @Override
    public void stop(BundleContext context) {
        // Nothing to release: the watcher (ui) removes its own listeners.
    }
}
