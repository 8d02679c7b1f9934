package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.core.ReportSink;
import com.stm32mp.prelaunch.core.StepStatuses;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.Setting;
import com.stm32mp.prelaunch.ui.ReportStatusHandler;
import java.io.File;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.IStatusHandler;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.debug.ui.ILaunchConfigurationTab;
import org.eclipse.debug.ui.ILaunchConfigurationTabGroup;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TabFolder;
import org.eclipse.swt.widgets.TabItem;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.MessageConsole;

/**
 * The Eclipse adapters in a running workbench (Xvfb): the tab group from plugin.xml with its real
 * tab classes (initialize, validate, apply), the status handler registered for our code opening the
 * report dialog, and the MessageConsole report. No workbench window is opened.
 */
public final class WorkbenchTestApp implements IApplication {
    private static final String ST_NAME = "Board CM33 Debug";

    @Override
    public Object start(IApplicationContext context) throws Exception {
        Display display = PlatformUI.createDisplay();
        int[] rc = {1};
        PlatformUI.createAndRunWorkbench(display, new WorkbenchAdvisor() {
            @Override
            public String getInitialWindowPerspectiveId() {
                return null;
            }

            @Override
            public boolean openWindows() {
                return true;  // no window: the tests make their own shells
            }

            @Override
            public void postStartup() {
                display.asyncExec(() -> {
                    try {
                        rc[0] = runTests(display);
                    } catch (Throwable t) {
                        t.printStackTrace(System.out);
                        System.out.println("0 passed, 1 failed");
                    } finally {
                        PlatformUI.getWorkbench().close();
                    }
                });
            }
        });
        display.dispose();
        return rc[0];
    }

    private int runTests(Display display) throws Exception {
        TestRunner t = new TestRunner();
        Fixtures f = new Fixtures();
        File out = new File(System.getProperty("stm32mp.test.screenshots", System.getProperty("stm32mp.test.work") + "/screenshots"));
        Fixtures.st(ST_NAME, Map.of(LaunchKeys.ST_SERIAL_DEVICE, "/dev/ttyACM1",
                LaunchKeys.ST_INET_ADDR, f.b("host"), LaunchKeys.ST_PROGRAM, "Debug/OpenAMP_TTY_echo_CM33_NonSecure.elf"));
        ILaunchConfigurationWorkingCopy wc = f.ours("Board CM33 (pre-launch checked)", ST_NAME);
        wc.setAttribute(Setting.ELF.key, System.getProperty("stm32mp.test.elf", "/nonexistent.elf"));
        ILaunchConfiguration config = wc.doSave();

        List<ILaunchConfigurationTab> tabs = new ArrayList<>();
        t.test("tab group from plugin.xml has Target, Serial, Firmware, Debug, Checks, Common", () -> {
            ILaunchConfigurationTabGroup group = null;
            for (IConfigurationElement e : Platform.getExtensionRegistry()
                    .getConfigurationElementsFor("org.eclipse.debug.ui.launchConfigurationTabGroups")) {
                if (PluginIds.LAUNCH_TYPE_ID.equals(e.getAttribute("type"))) {
                    group = (ILaunchConfigurationTabGroup) e.createExecutableExtension("class");
                }
            }
            check(group != null, "no tab group registered for our type");
            group.createTabs(dialog(), "debug");
            tabs.addAll(Arrays.asList(group.getTabs()));
            List<String> names = tabs.stream().map(ILaunchConfigurationTab::getName).toList();
            equal(List.of("Target", "Serial", "Firmware", "Debug", "Checks", "Common"), names, "tabs");
        });

        t.test("tabs render a configuration, validate it and apply it back unchanged", () -> {
            check(!tabs.isEmpty(), "no tabs");
            Shell shell = new Shell(display, SWT.SHELL_TRIM);
            shell.setText("Debug Configurations \u2014 " + config.getName());
            shell.setLayout(new FillLayout());
            TabFolder folder = new TabFolder(shell, SWT.TOP);
            List<ILaunchConfigurationTab> ours = tabs.subList(0, 5);
            for (ILaunchConfigurationTab tab : ours) {
                tab.setLaunchConfigurationDialog(dialog());
                TabItem item = new TabItem(folder, SWT.NONE);
                item.setText(tab.getName());
                tab.createControl(folder);
                item.setControl(tab.getControl());
                tab.initializeFrom(config);
            }
            shell.setSize(920, 600);
            shell.setLocation(0, 0);
            shell.open();
            ILaunchConfigurationWorkingCopy applied = config.getWorkingCopy();
            for (int i = 0; i < ours.size(); i++) {
                ILaunchConfigurationTab tab = ours.get(i);
                folder.setSelection(i);
                pump(display, 400);
                check(tab.isValid(config), tab.getName() + " invalid: " + tab.getErrorMessage());
                tab.performApply(applied);
                Screenshots.save(shell, new File(out, "dialog-" + tab.getName().toLowerCase() + ".png"));
            }
            for (String key : List.of(Setting.HOST.key, Setting.USER.key, Setting.IDENTITY.key, Setting.KNOWN_HOSTS.key,
                    Setting.SERIAL.key, Setting.ELF.key, LaunchKeys.ST_CONFIG)) {
                equal(config.getAttribute(key, ""), applied.getAttribute(key, ""), "after apply: " + key);
            }
            // Unset keys come back as the form's defaults.
            equal(Setting.REMOTEPROC.defaultValue, applied.getAttribute(Setting.REMOTEPROC.key, ""), "after apply: remoteproc");
            // The host-key policy left at its default choice stays unset, so that an SSH configuration's
            // StrictHostKeyChecking applies (and without one, the engine's strict default).
            check(!applied.hasAttribute(Setting.HOST_KEY_POLICY.key), "after apply: policy written although left at the default");
            equal(config.getAttribute(Setting.PORT.key, 0), applied.getAttribute(Setting.PORT.key, -1), "after apply: port");

            ILaunchConfigurationWorkingCopy bad = config.getWorkingCopy();
            bad.setAttribute(Setting.HOST.key, "");
            ours.get(0).initializeFrom(bad);
            check(!ours.get(0).isValid(bad), "empty host accepted");
            check(String.valueOf(ours.get(0).getErrorMessage()).contains("Board address"), "message: " + ours.get(0).getErrorMessage());
            shell.dispose();
        });

        ILaunchConfigurationWorkingCopy failing = config.getWorkingCopy();
        failing.setAttribute(Setting.SERIAL.key, "/dev/ttyACM1");
        Report report = com.stm32mp.prelaunch.core.PreLaunchDelegate.runChecks(failing, new NullProgressMonitor());

        t.test("the status handler registered for our code opens the report dialog; its quick fix rewrites both configurations", () -> {
            IStatus status = StepStatuses.of(report, config.getName());
            IStatusHandler handler = DebugPlugin.getDefault().getStatusHandler(status);
            check(handler instanceof ReportStatusHandler, "handler for (" + PluginIds.PLUGIN_ID + ", 1001): " + handler);
            boolean[] seen = {false};
            display.timerExec(1500, () -> {
                for (Shell s : display.getShells()) {
                    if (s.getText().startsWith("Pre-launch checks failed")) {
                        seen[0] = true;
                        Screenshots.save(s, new File(out, "dialog-failure-report.png"));
                        // The quick fix button of the dialog, as the user would click it.
                        for (var c : s.getChildren()) {
                            if (c instanceof org.eclipse.swt.widgets.Button
                                    && ((org.eclipse.swt.widgets.Button) c).getText().startsWith("Use ")) {
                                c.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
                            }
                        }
                        s.close();
                    }
                }
            });
            handler.handleStatus(status, null);  // blocks until the dialog is closed
            check(seen[0], "no report dialog opened");
            String port = report.suggestedSerialPort().orElseThrow();
            equal(port, com.stm32mp.prelaunch.core.StLaunches.find(ST_NAME).getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""),
                    "ST serialDeviceLoader after the dialog's quick fix");
            equal(port, config.getAttribute(Setting.SERIAL.key, ""), "our serial after the dialog's quick fix");
            check(DebugPlugin.getDefault().getStatusHandler(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID,
                    PluginIds.STATUS_ENGINE_UNAVAILABLE, "x", null)) == null, "handler must only claim code 1001");
        });

        t.test("the report goes to the 'STM32MP2 pre-launch' console", () -> {
            ReportSink sink = ReportSink.forEnvironment();
            equal("com.stm32mp.prelaunch.ui.ConsoleReportSink", sink.getClass().getName(), "sink in a workbench");
            sink.write(config.getName(), report);
            MessageConsole console = null;
            for (IConsole c : ConsolePlugin.getDefault().getConsoleManager().getConsoles()) {
                if (c.getName().equals("STM32MP2 pre-launch")) {
                    console = (MessageConsole) c;
                }
            }
            check(console != null, "console not registered");
            long end = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < end && !console.getDocument().get().contains("serial-port")) {
                pump(display, 50);
            }
            String text = console.getDocument().get();
            check(text.contains("[FAIL] serial-port") && text.contains("SER"), "console text: " + text);
        });
        StLaunchUiTests.run(t, display, f, out);
        StTabTests.run(t, display, f, out);
        return t.finish();
    }

    private static ILaunchConfigurationDialog dialog() {
        return (ILaunchConfigurationDialog) Proxy.newProxyInstance(WorkbenchTestApp.class.getClassLoader(),
                new Class<?>[] {ILaunchConfigurationDialog.class},
                (proxy, method, args) -> method.getName().equals("getMode") ? "debug" : null);
    }

    private static void pump(Display display, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (!display.readAndDispatch()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        // The workbench closes itself after the tests.
    }
}
