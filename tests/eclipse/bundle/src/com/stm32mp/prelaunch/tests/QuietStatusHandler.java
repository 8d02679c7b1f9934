package com.stm32mp.prelaunch.tests;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.debug.core.IStatusHandler;

/** Stands in for debug.ui's launch-group status handlers in the headless runtime (see plugin.xml). */
public final class QuietStatusHandler implements IStatusHandler {
    @Override
    public Object handleStatus(IStatus status, Object source) {
        return null;
    }
}
