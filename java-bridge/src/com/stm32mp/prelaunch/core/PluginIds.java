package com.stm32mp.prelaunch.core;

/** Ids of the bundle, its launch type and the status codes its CoreExceptions carry. */
public final class PluginIds {
    public static final String PLUGIN_ID = "com.stm32mp.prelaunch";
    public static final String LAUNCH_TYPE_ID = "com.stm32mp.prelaunch.launchType";

    /** A run finished with failed steps; a status handler for this code opens the report dialog. */
    public static final int STATUS_STEPS_FAILED = 1001;
    /** The native engine could not be loaded (message says why and what to install). */
    public static final int STATUS_ENGINE_UNAVAILABLE = 1002;
    /** The referenced STM32CubeIDE configuration does not exist. */
    public static final int STATUS_ST_CONFIG_MISSING = 1003;
    /** The request could not be built or was refused by the engine. */
    public static final int STATUS_BAD_SETTINGS = 1004;

    private PluginIds() {}
}
