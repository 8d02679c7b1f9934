package com.stm32mp.prelaunch.tests;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.model.ILaunchConfigurationDelegate;

/** Delegate of the ST stand-in type: records "name|mode" of every launch instead of starting GDB. */
public final class FakeStDelegate implements ILaunchConfigurationDelegate {
    public static final List<String> LAUNCHES = new CopyOnWriteArrayList<>();

    @Override
    public void launch(ILaunchConfiguration configuration, String mode, ILaunch launch, IProgressMonitor monitor) {
        LAUNCHES.add(configuration.getName() + "|" + mode);
    }
}
