package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.bridge.BridgeException;
import com.stm32mp.prelaunch.bridge.BridgeUnavailableException;
import com.stm32mp.prelaunch.bridge.CheckRun;
import com.stm32mp.prelaunch.bridge.PreLaunch;
import com.stm32mp.prelaunch.bridge.RequestException;
import com.stm32mp.prelaunch.model.CheckRequest;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Report;
import java.io.File;
import java.time.Duration;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.model.LaunchConfigurationDelegate;

/**
 * Delegate of "STM32MP2 Cortex-M33 (pre-launch checked)": runs the engine's steps inside the launch
 * job, then launches the referenced STM32CubeIDE configuration in the same mode (none referenced: checks
 * only, for use as a Launch Group child placed before ST's configuration).
 *
 * <p>Failure is always a CoreException carrying a {@link ReportStatus} (one child per step), never a
 * {@code false} from a check method: a launch group would silently go on after a {@code false}.
 * Cancel is forwarded to the native run and surfaces as OperationCanceledException (Eclipse 4.26
 * rethrows it; 4.37+ swallows it quietly; both end the launch).
 */
public class PreLaunchDelegate extends LaunchConfigurationDelegate {
    private static final int CHECK_WORK = 900;
    private static final int LAUNCH_WORK = 100;
    private static final Duration POLL = Duration.ofMillis(100);

    @Override
    public void launch(ILaunchConfiguration config, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        SubMonitor sub = SubMonitor.convert(monitor, "STM32MP2 pre-launch checks", CHECK_WORK + LAUNCH_WORK);
        Report report = runChecks(config, sub.split(CHECK_WORK));
        ReportSink.forEnvironment().write(config.getName(), report);
        if (!report.ok) {
            throw new CoreException(StepStatuses.of(report, config.getName()));
        }
        String stName = config.getAttribute(LaunchKeys.ST_CONFIG, "");
        if (!stName.isEmpty()) {
            ILaunchConfiguration st = StLaunches.require(stName);
            sub.subTask("Launching " + st.getName());
            st.launch(mode, sub.split(LAUNCH_WORK));
        }
        // else: checks only, e.g. as the first child of a Launch Group whose next child is ST's configuration.
        // Our launch has no process or target, so Eclipse would show it as running forever.
        DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
    }

    /** Runs the steps with progress and cancellation; the report of a finished run, never null. */
    public static Report runChecks(ILaunchConfiguration config, IProgressMonitor monitor) throws CoreException {
        return runRequest(buildRequest(config), monitor);
    }

    /** Runs one engine request with progress and cancellation (polled every 100 ms). */
    public static Report runRequest(String request, IProgressMonitor monitor) throws CoreException {
        SubMonitor sub = SubMonitor.convert(monitor, CHECK_WORK);
        try (CheckRun run = PreLaunch.start(request)) {
            StepProgress progress = new StepProgress(sub, CHECK_WORK);
            while (!run.waitFor(POLL)) {
                if (sub.isCanceled()) {
                    run.cancel();
                    run.waitFor(Duration.ofSeconds(1));
                    throw new OperationCanceledException("pre-launch checks cancelled");
                }
                progress.update(run.progress());
            }
            progress.update(run.progress());  // the steps that ran after the last poll
            String json = run.reportJson();
            Report report;
            try {
                report = Report.parse(json);
            } catch (RuntimeException e) {  // JsonParseException, IllegalArgumentException (schema), IllegalStateException
                throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_ENGINE_UNAVAILABLE,
                        "The engine's report could not be read (" + e.getMessage()
                                + "). Fix: install the plug-in and its native library from the same build.", e));
            }
            if (report.cancelled) {  // cancelled inside the engine (not by this monitor): still a cancel, never success
                throw new OperationCanceledException("pre-launch checks cancelled");
            }
            return report;
        } catch (BridgeUnavailableException e) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_ENGINE_UNAVAILABLE,
                    e.getMessage(), e));
        } catch (RequestException e) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_BAD_SETTINGS,
                    "The pre-launch settings were refused (" + e.code() + "): " + e.getMessage(), e));
        } catch (BridgeException | IllegalArgumentException | IllegalStateException e) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_ENGINE_UNAVAILABLE,
                    "The pre-launch engine failed: " + e.getMessage(), e));
        }
    }

    /** The engine request for this configuration (variables resolved, password from secure storage). */
    @SuppressWarnings("deprecation") // getLocation(): the only 4.26 API giving the file of a local (unshared) config
    public static String buildRequest(ILaunchConfiguration config) throws CoreException {
        LaunchConfigAttributes attrs = new LaunchConfigAttributes(config);
        ILaunchConfiguration st = StLaunches.find(attrs.get(LaunchKeys.ST_CONFIG, ""));
        String launchFile = null;
        if (st != null) {
            IPath location = st.getLocation();
            if (location != null && new File(location.toOSString()).isFile()) {
                launchFile = location.toOSString();
            }
        }
        return buildRequest(config, launchFile);
    }

    /** The engine request from the attributes of {@code config}, with ST's .launch file (or null) for the config step. */
    static String buildRequest(ILaunchConfiguration config, String launchFile) throws CoreException {
        return buildRequest(config, new LaunchConfigAttributes(config), launchFile);
    }

    /** The .launch file a configuration is stored in (the config step reads ST's settings from it), or null. */
    @SuppressWarnings("deprecation") // getLocation(): the only 4.26 API giving the file of a local (unshared) config
    public static String launchFile(ILaunchConfiguration config) {
        IPath location = config.getLocation();
        return location != null && new File(location.toOSString()).isFile() ? location.toOSString() : null;
    }

    /** The engine request from {@code attrs} (read from {@code config}, whose name keys the SSH password). */
    static String buildRequest(ILaunchConfiguration config, com.stm32mp.prelaunch.model.Attributes attrs,
            String launchFile) throws CoreException {
        String password = null;
        if ("password".equals(attrs.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH))) {
            try {
                password = SecretStore.platformDefault().password(config.getName());
            } catch (org.eclipse.equinox.security.storage.StorageException | LinkageError e) {
                throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_BAD_SETTINGS,
                        "The SSH password could not be read from Eclipse secure storage: " + e.getMessage()
                                + ". Fix: re-enter it in the Target tab.", e));
            }
        }
        CoreException[] failure = new CoreException[1];
        String json = CheckRequest.toJson(attrs, value -> {
            try {
                return VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(value);
            } catch (CoreException e) {
                failure[0] = e;
                return value;
            }
        }, launchFile, password);
        if (failure[0] != null) {
            throw new CoreException(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID, PluginIds.STATUS_BAD_SETTINGS,
                    "A path in '" + config.getName() + "' cannot be resolved: " + failure[0].getMessage()
                            + ". Fix: correct the path in the Firmware or Target tab.",
                    failure[0]));
        }
        return json;
    }
}
