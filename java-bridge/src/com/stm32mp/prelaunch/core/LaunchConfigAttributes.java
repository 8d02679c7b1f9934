package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Attributes;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;

/**
 * {@link Attributes} over an Eclipse launch configuration: the adapter that lets the SWT forms and
 * the request builder stay free of Eclipse types. Writes need a working copy.
 */
public final class LaunchConfigAttributes implements Attributes {
    private final ILaunchConfiguration config;

    public LaunchConfigAttributes(ILaunchConfiguration config) {
        this.config = config;
    }

    @Override
    public String get(String key, String defaultValue) {
        try {
            return config.getAttribute(key, defaultValue);
        } catch (CoreException e) {
            // Wrong type stored under our key (hand-edited .launch): fall back, the form shows the default.
            return defaultValue;
        }
    }

    @Override
    public int getInt(String key, int defaultValue) {
        try {
            return config.getAttribute(key, defaultValue);
        } catch (CoreException e) {
            return defaultValue;
        }
    }

    @Override
    public void set(String key, String value) {
        workingCopy().setAttribute(key, value == null || value.isEmpty() ? null : value);
    }

    @Override
    public void setInt(String key, int value) {
        workingCopy().setAttribute(key, value);
    }

    private ILaunchConfigurationWorkingCopy workingCopy() {
        if (config instanceof ILaunchConfigurationWorkingCopy) {
            return (ILaunchConfigurationWorkingCopy) config;
        }
        throw new IllegalStateException("attributes of " + config.getName() + " are read-only (not a working copy)");
    }
}
