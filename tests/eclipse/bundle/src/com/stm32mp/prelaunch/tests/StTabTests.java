package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.StLaunchUiTests.find;
import static com.stm32mp.prelaunch.tests.StLaunchUiTests.pump;
import static com.stm32mp.prelaunch.tests.StLaunchUiTests.texts;
import static com.stm32mp.prelaunch.tests.StLaunchUiTests.titles;
import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.core.StDelegates;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.ui.StChecksTab;
import com.stm32mp.prelaunch.ui.StTabContribution;
import java.io.File;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;

/**
 * Item 3 of issue 14: our tab inside STM32CubeIDE's own dialog. The stand-in's tab-group id
 * (standin.k3v.tabGroup) appears nowhere in the plug-in: it is read from the registry at early
 * startup. In the platform's real Debug Configurations dialog the tab shows on an MP2
 * configuration, its checkbox opts the configuration in (our launcher becomes its preferred one);
 * "Run checks now" shows the report inline and its quick fix writes ST's serialDeviceLoader; a
 * configuration that does not load through Linux is never written to.
 */
final class StTabTests {
    private StTabTests() {}

    static void run(TestRunner t, Display display, Fixtures f, File out) {
        t.test("our tab is contributed to ST's tab group, whose id is read from the registry at run time", () -> {
            equal(List.of("standin.k3v.tabGroup"), StTabContribution.stTabGroupIds(), "ST's tab groups");
            equal(List.of("standin.k3v.tabGroup"), StTabContribution.contributedGroups(), "groups holding our tab");
            equal(List.of("standin.k3v.tabGroup"), StTabContribution.contribute(), "a second contribute() adds nothing");
        });

        t.test("in the platform's Debug Configurations dialog, our tab shows on ST's configuration and its checkbox opts it in", () -> {
            // As a user's configuration looks (this case runs no check): the screenshot goes to docs/img.
            ILaunchConfigurationWorkingCopy user = Fixtures.manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE)
                    .newInstance(null, "Blink_CM33_NonSecure Debug");
            user.setAttribute(LaunchKeys.ST_CONNECTION, LaunchKeys.ST_CONNECTION_MPU_SERIAL);
            user.setAttribute(LaunchKeys.ST_LOAD_THRU_SERIAL, true);
            user.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, "/dev/ttyACM1");
            user.setAttribute(LaunchKeys.ST_INET_ADDR, "192.168.7.1");
            user.setAttribute(LaunchKeys.ST_PROJECT, "Blink_CM33_NonSecure");
            user.setAttribute(LaunchKeys.ST_PROGRAM, "CA35TDCID_m33_ns_sign/Blink_CM33_NonSecure_sign.bin");
            user.setAttribute(LaunchKeys.AUTH, "agent");
            ILaunchConfiguration st = user.doSave();
            check(!StDelegates.isOptedIn(st), "opted in before the click");
            String[] problem = {null};
            boolean[] done = {false};
            long end = System.currentTimeMillis() + 60000;
            Runnable[] poll = new Runnable[1];
            poll[0] = () -> {
                Shell dialog = null;
                for (Shell s : display.getShells()) {
                    if (!s.isDisposed() && s.isVisible() && s.getText().contains("Configurations")) {
                        dialog = s;
                    }
                }
                CTabItem item = dialog == null ? null : tabItem(dialog, StTabContribution.TAB_NAME);
                if (item == null) {
                    if (System.currentTimeMillis() < end) {
                        display.timerExec(200, poll[0]);
                    } else {
                        problem[0] = "no tab '" + StTabContribution.TAB_NAME + "'; shells: " + titles(display)
                                + (dialog == null ? "" : "; tabs: " + tabNames(dialog));
                        if (dialog != null) {
                            dialog.close();
                        }
                    }
                    return;
                }
                try {
                    CTabFolder folder = item.getParent();
                    folder.setSelection(item);
                    Event e = new Event();
                    e.item = item;
                    folder.notifyListeners(SWT.Selection, e);
                    dialog.setSize(1060, 800);
                    pump(display, 1000);
                    String text = texts(dialog);
                    check(text.contains(StChecksTab.OPT_IN_TEXT) && text.contains("/dev/ttyACM1") && text.contains("192.168.7.1")
                            && text.contains("Blink_CM33_NonSecure_sign.bin") && text.contains("Run checks now"),
                            "tab text: " + text);
                    // Drawn by the dialog itself: on the screen it may be under the workbench window.
                    Screenshots.printed(dialog, new File(out, "st-checks-tab.png"));
                    Button optIn = find(dialog, StChecksTab.OPT_IN_TEXT);
                    check(optIn != null && optIn.isEnabled(), "opt-in checkbox missing or disabled");
                    optIn.setSelection(true);
                    optIn.notifyListeners(SWT.Selection, new Event());
                    pump(display, 200);
                    Button apply = find(dialog, "Apply");
                    check(apply != null && apply.isEnabled(), "Apply missing or disabled: " + texts(dialog));
                    apply.notifyListeners(SWT.Selection, new Event());
                    pump(display, 300);
                } catch (Throwable x) {
                    problem[0] = String.valueOf(x);
                } finally {
                    dialog.close();
                    done[0] = true;
                }
            };
            display.timerExec(300, poll[0]);
            Shell parent = new Shell(display);
            try {
                // Blocks until the dialog is closed; the timer above works inside its event loop.
                DebugUITools.openLaunchConfigurationDialogOnGroup(parent, new StructuredSelection(st),
                        IDebugUIConstants.ID_DEBUG_LAUNCH_GROUP);
            } finally {
                parent.dispose();
            }
            check(problem[0] == null, problem[0]);
            check(done[0], "the dialog was never seen");
            ILaunchConfiguration saved = Fixtures.manager().getLaunchConfiguration(st.getMemento());
            check(StDelegates.isOptedIn(saved), "not opted in after the checkbox and Apply");
            equal("/dev/ttyACM1", saved.getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "serialDeviceLoader untouched");
        });

        t.test("Run checks now in our tab: the report inline, and its quick fix writes ST's serialDeviceLoader", () -> {
            ILaunchConfigurationWorkingCopy wc = StTypeTests.mp2(f, "Tab inline CM33 Debug", "/dev/ttyACM1").doSave()
                    .getWorkingCopy();
            Shell shell = new Shell(display, SWT.SHELL_TRIM);
            try {
                StChecksTab tab = tabIn(shell, wc);
                tab.activated(wc);
                shell.setSize(900, 760);
                shell.open();
                Button run = find(shell, "Run checks now");
                check(run != null, "no 'Run checks now'");
                run.notifyListeners(SWT.Selection, new Event());
                long end = System.currentTimeMillis() + 60000;
                Button fix = null;
                while (System.currentTimeMillis() < end && (fix == null || !fix.isVisible())) {
                    pump(display, 100);
                    fix = find(shell, "Quick fix: use /dev/ttyACM0");
                }
                check(fix != null && fix.isVisible(), "no quick fix; tab text: " + texts(shell));
                String text = texts(shell);
                check(text.contains("SER002"), "inline report: " + text);
                // Nothing was uploaded or loaded: the checks before ST's sequence stop at the target step.
                check(!text.contains("upload \u2014") && !text.contains("remoteproc \u2014"), "upload or remoteproc ran: " + text);
                fix.notifyListeners(SWT.Selection, new Event());
                equal("/dev/ttyACM0", wc.getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "serialDeviceLoader after the quick fix");
            } finally {
                shell.dispose();
            }
        });

        t.test("a configuration of ST's type that does not load through Linux: the tab is disabled and writes nothing", () -> {
            ILaunchConfigurationWorkingCopy wc = Fixtures.manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE)
                    .newInstance(null, "F4 board tab Debug");
            wc.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, "COM5");
            ILaunchConfiguration c = wc.doSave();
            Map<String, Object> before = c.getAttributes();
            Shell shell = new Shell(display);
            try {
                StChecksTab tab = tabIn(shell, c);
                check(!tab.optInButton().isEnabled(), "opt-in enabled on a non-MP2 configuration");
                check(texts(shell).contains("do not apply"), "no word why: " + texts(shell));
                ILaunchConfigurationWorkingCopy applied = c.getWorkingCopy();
                tab.performApply(applied);
                equal(before, applied.getAttributes(), "attributes after apply");
                check(!StDelegates.isOptedIn(applied), "opted in");
            } finally {
                shell.dispose();
            }
        });
    }

    /** Our tab alone in a shell, showing {@code config} (a stub stands in for the launch dialog). */
    static StChecksTab tabIn(Shell shell, ILaunchConfiguration config) {
        shell.setLayout(new FillLayout());
        StChecksTab tab = new StChecksTab();
        tab.setLaunchConfigurationDialog(dialogStub());
        tab.createControl(shell);
        tab.initializeFrom(config);
        return tab;
    }

    static ILaunchConfigurationDialog dialogStub() {
        return (ILaunchConfigurationDialog) Proxy.newProxyInstance(StTabTests.class.getClassLoader(),
                new Class<?>[] {ILaunchConfigurationDialog.class},
                (proxy, method, args) -> method.getName().equals("getMode") ? "debug" : null);
    }

    /** Every tab of every CTabFolder in the composite (the launch dialog's tab folder). */
    static List<CTabItem> tabItems(Composite c) {
        List<CTabItem> items = new java.util.ArrayList<>();
        for (Control child : c.getChildren()) {
            if (child instanceof CTabFolder) {
                items.addAll(List.of(((CTabFolder) child).getItems()));
            }
            if (child instanceof Composite) {
                items.addAll(tabItems((Composite) child));
            }
        }
        return items;
    }

    static CTabItem tabItem(Composite c, String name) {
        return tabItems(c).stream().filter(i -> name.equals(i.getText())).findFirst().orElse(null);
    }

    static List<String> tabNames(Composite c) {
        return tabItems(c).stream().map(CTabItem::getText).toList();
    }
}
