package com.stm32mp.prelaunch.tests;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;

/** Launch configurations for the tests, built from the simulated board's JSON description. */
final class Fixtures {
    final JsonObject board;

    Fixtures() throws Exception {
        String file = System.getProperty("stm32mp.boardsim.json");
        TestRunner.check(file != null && Files.isRegularFile(Path.of(file)),
                "board-sim description missing (-Dstm32mp.boardsim.json=" + file + ")");
        board = JsonParser.parseString(Files.readString(Path.of(file))).getAsJsonObject();
    }

    String b(String key) {
        return board.has(key) && !board.get(key).isJsonNull() ? board.get(key).getAsString() : "";
    }

    static ILaunchManager manager() {
        return DebugPlugin.getDefault().getLaunchManager();
    }

    /** Our configuration against the board (key authentication), not saved. */
    ILaunchConfigurationWorkingCopy ours(String name, String stConfig) throws CoreException {
        ILaunchConfigurationWorkingCopy wc = manager().getLaunchConfigurationType(PluginIds.LAUNCH_TYPE_ID)
                .newInstance(null, name);
        wc.setAttribute(Setting.HOST.key, b("host"));
        wc.setAttribute(Setting.PORT.key, board.has("port") ? board.get("port").getAsInt() : 22);
        wc.setAttribute(Setting.USER.key, b("user"));
        wc.setAttribute(LaunchKeys.AUTH, "key");
        wc.setAttribute(Setting.IDENTITY.key, b("identity"));
        wc.setAttribute(Setting.KNOWN_HOSTS.key, b("known_hosts"));
        wc.setAttribute(Setting.SERIAL.key, b("serial"));
        wc.setAttribute(Setting.SYSFS_ROOT.key, b("sysfs_root"));
        wc.setAttribute(Setting.DEV_ROOT.key, b("dev_root"));
        wc.setAttribute(LaunchKeys.ST_CONFIG, stConfig);
        String elf = System.getProperty("stm32mp.test.elf", "");
        if (!elf.isEmpty()) {
            wc.setAttribute(Setting.ELF.key, elf);
        }
        String signed = System.getProperty("stm32mp.test.signed", "");
        if (!signed.isEmpty()) {
            wc.setAttribute(Setting.SIGNED_IMAGE.key, signed);
        }
        wc.setAttribute(Setting.TIMEOUT_MS.key, 15000);
        return wc;
    }

    /** A saved configuration of the ST stand-in type with the given attributes. */
    static ILaunchConfiguration st(String name, Map<String, String> attributes) throws CoreException {
        ILaunchConfigurationWorkingCopy wc = manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE).newInstance(null, name);
        wc.setAttribute("org.eclipse.cdt.debug.gdbjtag.core.connectionSelected", "MPU Serial");
        wc.setAttribute("org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice", true);
        attributes.forEach(wc::setAttribute);
        return wc.doSave();
    }
}
