package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.CheckRequest;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import java.util.List;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;

/**
 * STM32CubeIDE's own configurations (type {@link LaunchKeys#ST_TYPE}) as the checks see them: which
 * ones are MP2 production mode, the engine requests built from their own attributes
 * ({@link StAttributes}: serialDeviceLoader, inetAddrLoader, PROGRAM_NAME against the project, plus
 * our keys stored in the same configuration), and the quick fix written into them.
 */
public final class StConfigs {
    /** The steps that change the board: never run before ST's own sequence (no double load). */
    public static final List<String> BOARD_CHANGING_STEPS = List.of("upload", "remoteproc", "verify");

    private StConfigs() {}

    public static boolean isStConfig(ILaunchConfiguration c) {
        try {
            return c != null && LaunchKeys.ST_TYPE.equals(c.getType().getIdentifier());
        } catch (CoreException e) {
            return false;
        }
    }

    /**
     * An STM32CubeIDE configuration in production mode ("thru Linux core": the image is loaded
     * through the board's Linux). Any other configuration (MCUs, engineering mode, other types) is
     * never touched by this plug-in.
     */
    public static boolean isProductionMode(ILaunchConfiguration c) {
        if (!isStConfig(c)) {
            return false;
        }
        try {
            return c.getAttribute(LaunchKeys.ST_LOAD_THRU_SERIAL, false)
                    || LaunchKeys.ST_CONNECTION_MPU_SERIAL.equals(c.getAttribute(LaunchKeys.ST_CONNECTION, ""));
        } catch (CoreException e) {
            return false;  // another type's value under ST's key: not a configuration we know
        }
    }

    /** The checks that change nothing on the board (config … target: the predictions), for before ST's sequence. */
    public static String predictionRequest(ILaunchConfiguration st) throws CoreException {
        return CheckRequest.adjusted(request(st), BOARD_CHANGING_STEPS, 0);
    }

    /**
     * The diagnosis of a launch of {@code st} that failed: the same checks, nothing changed on the
     * board, and the remoteproc step reads the kernel log printed since the launch started
     * ({@code startedAtMillis}, the PC's clock) and explains it (engine field diagnose_since_ms).
     */
    public static String diagnosisRequest(ILaunchConfiguration st, long startedAtMillis) throws CoreException {
        long since = Math.max(1, System.currentTimeMillis() - startedAtMillis);
        return CheckRequest.adjusted(request(st), List.of(), since);
    }

    private static String request(ILaunchConfiguration st) throws CoreException {
        // The configuration's own .launch file too: the config step reads production mode, program and project.
        return PreLaunchDelegate.buildRequest(st, new StAttributes(st), PreLaunchDelegate.launchFile(st));
    }

    /** The quick fix: the port the serial-port step found becomes the configuration's serialDeviceLoader. */
    public static ILaunchConfiguration applySerialPort(ILaunchConfiguration st, String port) throws CoreException {
        ILaunchConfigurationWorkingCopy wc = st.getWorkingCopy();
        new StAttributes(wc).set(Setting.SERIAL.key, port);
        return wc.doSave();
    }
}
