package com.stm32mp.prelaunch.model;

/** Attribute keys of our launch configuration type, and the ST keys we read or write. */
public final class LaunchKeys {
    private static final String P = "com.stm32mp.prelaunch.";

    public static final String HOST = P + "host";
    public static final String PORT = P + "port";
    public static final String USER = P + "user";
    /** "key", "agent" or "password" (the password itself lives in Eclipse secure storage). */
    public static final String AUTH = P + "auth";
    public static final String IDENTITY = P + "identity";
    public static final String KNOWN_HOSTS = P + "knownHosts";
    /** "strict" or "accept-new". */
    public static final String HOST_KEY_POLICY = P + "hostKeyPolicy";
    public static final String SERIAL = P + "serial";
    public static final String PROBE_SERIAL = P + "probeSerial";
    /** Signed image to upload; may contain Eclipse variables such as ${workspace_loc}. */
    public static final String IMAGE = P + "image";
    public static final String ELF = P + "elf";
    public static final String IMAGE_KEY = P + "imageKey";
    public static final String REMOTEPROC = P + "remoteproc";
    /** Name of the STM32CubeIDE debug configuration launched after the checks pass. */
    public static final String ST_CONFIG = P + "stConfig";
    public static final String TIMEOUT_MS = P + "timeoutMs";
    /** "false": upload over SFTP only (a board without SFTP fails, UPL011); anything else: the exec-channel fallback. */
    public static final String EXEC_UPLOAD = P + "execUpload";
    /** OpenSSH client configuration to resolve the host with (ssh -G): a file, "default" (~/.ssh/config), or empty. */
    public static final String SSH_CONFIG = P + "sshConfig";
    /** Test and advanced hooks: roots for sysfs and /dev (empty = the real ones). */
    public static final String SYSFS_ROOT = P + "sysfsRoot";
    public static final String DEV_ROOT = P + "devRoot";
    /** Comma-separated step ids. */
    public static final String ONLY = P + "only";
    public static final String SKIP = P + "skip";

    public static final String DEFAULT_USER = "root";
    public static final int DEFAULT_PORT = 22;
    public static final String DEFAULT_REMOTEPROC = "m33";
    public static final String DEFAULT_HOST_KEY_POLICY = "strict";
    public static final String DEFAULT_AUTH = "key";

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
