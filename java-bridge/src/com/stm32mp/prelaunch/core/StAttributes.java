package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import java.io.File;
import org.eclipse.core.runtime.IPath;
import org.eclipse.debug.core.ILaunchConfiguration;

/**
 * {@link Attributes} of an STM32CubeIDE configuration as the checks see it: the console port, the
 * board address and the image are ST's own settings (serialDeviceLoader, inetAddrLoader,
 * PROGRAM_NAME against the project), the rest (SSH identity, known_hosts, probe serial, image key,
 * remoteproc name …) our keys stored in the same configuration. A value under our key wins, so a
 * user can still override one. Writing the console port writes ST's serialDeviceLoader (the quick fix).
 */
public final class StAttributes implements Attributes {
    private final ILaunchConfiguration config;
    private final LaunchConfigAttributes own;

    public StAttributes(ILaunchConfiguration config) {
        this.config = config;
        this.own = new LaunchConfigAttributes(config);
    }

    @Override
    public String get(String key, String defaultValue) {
        String mine = own.get(key, "");
        if (!mine.isEmpty()) {
            return mine;
        }
        String st;
        if (Setting.SERIAL.key.equals(key)) {
            st = own.get(LaunchKeys.ST_SERIAL_DEVICE, "");
        } else if (Setting.HOST.key.equals(key)) {
            st = own.get(LaunchKeys.ST_INET_ADDR, "");
        } else if (Setting.SIGNED_IMAGE.key.equals(key) || Setting.ELF.key.equals(key)) {
            String program = program();
            boolean signed = program.endsWith(".bin");
            st = signed == Setting.SIGNED_IMAGE.key.equals(key) ? program : "";
        } else {
            st = "";
        }
        return st.isEmpty() ? defaultValue : st;
    }

    @Override
    public int getInt(String key, int defaultValue) {
        return own.getInt(key, defaultValue);
    }

    @Override
    public void set(String key, String value) {
        if (Setting.SERIAL.key.equals(key)) {
            own.set(LaunchKeys.ST_SERIAL_DEVICE, value);
            own.set(Setting.SERIAL.key, null);  // one place for the port: ST's own setting
        } else {
            own.set(key, value);
        }
    }

    @Override
    public void setInt(String key, int value) {
        own.setInt(key, value);
    }

    /**
     * PROGRAM_NAME as a path: absolute, or relative to its project's location (ST writes
     * "Debug/X.elf", with backslashes when saved on Windows). Unresolved when the project is unknown.
     */
    public String program() {
        String program = own.get(LaunchKeys.ST_PROGRAM, "").replace('\\', '/');
        if (program.isEmpty() || program.contains("${") || new File(program).isAbsolute()) {
            return program;
        }
        String project = own.get(LaunchKeys.ST_PROJECT, "");
        IPath location = projectLocation(project);
        return location == null ? program : location.append(program).toOSString();
    }

    private static IPath projectLocation(String project) {
        if (project.isEmpty()) {
            return null;
        }
        try {
            return org.eclipse.core.resources.ResourcesPlugin.getWorkspace().getRoot().getProject(project).getLocation();
        } catch (LinkageError | IllegalStateException e) {
            return null;  // no workspace (resources bundle absent or not started)
        }
    }

    public ILaunchConfiguration config() {
        return config;
    }
}
