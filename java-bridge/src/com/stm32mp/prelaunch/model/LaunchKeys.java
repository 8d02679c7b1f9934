package com.stm32mp.prelaunch.model;

/**
 * The attribute keys of our launch configuration type that are not engine settings (those, with their
 * defaults, are {@link Setting}'s, generated from native/core/settings.def), and the ST keys we read or write.
 */
public final class LaunchKeys {
    private static final String P = "com.stm32mp.prelaunch.";

    /** "key", "agent" or "password" (the password itself lives in Eclipse secure storage). */
    public static final String AUTH = P + "auth";
    /** Name of the STM32CubeIDE debug configuration launched after the checks pass. */
    public static final String ST_CONFIG = P + "stConfig";

    /** The authentication choices of {@link #AUTH} that take a value of their own (the agent takes none). */
    public static final String AUTH_KEY = "key";
    public static final String AUTH_PASSWORD = "password";
    public static final String DEFAULT_AUTH = AUTH_KEY;

    /** STM32CubeIDE's launch configuration type (all MCU and MPU debug configurations). */
    public static final String ST_TYPE = "com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType";
    public static final String ST_SERIAL_DEVICE = "org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader";
    public static final String ST_INET_ADDR = "org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader";
    public static final String ST_PROGRAM = "org.eclipse.cdt.launch.PROGRAM_NAME";
    public static final String ST_PROJECT = "org.eclipse.cdt.launch.PROJECT_ATTR";
    /** Production mode ("thru Linux core"): the image is loaded through the board's Linux. */
    public static final String ST_LOAD_THRU_SERIAL = "org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice";
    public static final String ST_CONNECTION = "org.eclipse.cdt.debug.gdbjtag.core.connectionSelected";
    public static final String ST_CONNECTION_MPU_SERIAL = "MPU Serial";

    private LaunchKeys() {}
}
