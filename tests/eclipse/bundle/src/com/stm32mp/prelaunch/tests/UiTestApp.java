package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.bridge.PreLaunch;
import com.stm32mp.prelaunch.core.LaunchConfigAttributes;
import com.stm32mp.prelaunch.core.PreLaunchDelegate;
import com.stm32mp.prelaunch.core.StLaunches;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.CheckRequest;
import com.stm32mp.prelaunch.model.MapAttributes;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.Setting;
import com.stm32mp.prelaunch.ui.AttributeForm;
import com.stm32mp.prelaunch.ui.ChecksForm;
import com.stm32mp.prelaunch.ui.DebugForm;
import com.stm32mp.prelaunch.ui.FirmwareForm;
import com.stm32mp.prelaunch.ui.ReportDialog;
import com.stm32mp.prelaunch.ui.SerialForm;
import com.stm32mp.prelaunch.ui.StSettingsForm;
import com.stm32mp.prelaunch.ui.TargetForm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * UI tests under Xvfb, inside the same Equinox runtime: each tab's form renders with the values of
 * a real launch configuration of our type (through the same attribute adapter the tabs use), and
 * PNG screenshots of the forms and of the failure report (from a real failing run against the
 * simulated board) are written and checked for size and non-blankness.
 */
public final class UiTestApp implements IApplication {
    private Display display;
    private File outDir;

    @Override
    public Object start(IApplicationContext context) throws Exception {
        TestRunner t = new TestRunner();
        Fixtures f = new Fixtures();
        outDir = new File(System.getProperty("stm32mp.test.screenshots", System.getProperty("stm32mp.test.work") + "/screenshots"));
        outDir.mkdirs();
        display = new Display();

        Fixtures.st("Board CM33 Debug", Map.of(LaunchKeys.ST_SERIAL_DEVICE, "/dev/ttyACM1",
                LaunchKeys.ST_INET_ADDR, f.b("host"), LaunchKeys.ST_PROGRAM, "Debug/OpenAMP_TTY_echo_CM33_NonSecure.elf"));
        ILaunchConfigurationWorkingCopy wc = f.ours("Board CM33 (pre-launch checked)", "Board CM33 Debug");
        wc.setAttribute(Setting.SIGNED_IMAGE.key, "${workspace_loc:/OpenAMP_TTY_echo/CA35TDCID_m33_sign/OpenAMP_TTY_echo_sign.bin}");
        wc.setAttribute(Setting.ELF.key, "${workspace_loc:/OpenAMP_TTY_echo/Debug/OpenAMP_TTY_echo_CM33_NonSecure.elf}");
        wc.setAttribute(Setting.REMOTEPROC.key, "m33");
        ILaunchConfiguration config = wc.doSave();
        LaunchConfigAttributes attrs = new LaunchConfigAttributes(config);

        t.test("Target tab renders the configuration's values", () -> renderForm("tab-target", TargetForm::new, attrs,
                List.of(f.b("host"), f.b("identity"), f.b("known_hosts"), "root", "key", "strict")));
        t.test("Serial tab lists the board's devices and shows the configured port", () -> renderForm("tab-serial",
                p -> new SerialForm(p, PreLaunch::devicesJson), attrs, List.of(f.b("serial"), "0483:374e")));
        t.test("Firmware tab renders the image paths with variables", () -> renderForm("tab-firmware", FirmwareForm::new,
                attrs, List.of("${workspace_loc:/OpenAMP_TTY_echo/CA35TDCID_m33_sign/OpenAMP_TTY_echo_sign.bin}", "m33")));
        t.test("Debug tab shows the referenced ST configuration and its serialDeviceLoader", () -> renderForm("tab-debug",
                p -> new DebugForm(p, StLaunches::names, StLaunches::summary), attrs,
                List.of("Board CM33 Debug", "/dev/ttyACM1", "Debug/OpenAMP_TTY_echo_CM33_NonSecure.elf")));

        ILaunchConfigurationWorkingCopy failing = config.getWorkingCopy();
        failing.setAttribute(Setting.SERIAL.key, "/dev/ttyACM1");
        failing.removeAttribute(Setting.SIGNED_IMAGE.key);  // the workspace of this test has no such project
        failing.setAttribute(Setting.ELF.key, System.getProperty("stm32mp.test.elf", ""));
        Report report = PreLaunchDelegate.runChecks(failing, new NullProgressMonitor());

        t.test("validation: empty host and a missing key file are reported", () -> {
            Shell shell = new Shell(display);
            shell.setLayout(new FillLayout());
            TargetForm form = new TargetForm(shell);
            ILaunchConfigurationWorkingCopy bad = config.getWorkingCopy();
            bad.setAttribute(Setting.HOST.key, "");
            form.load(new LaunchConfigAttributes(bad));
            String error = form.validate();
            check(error != null && error.contains("Board address"), "empty host: " + error);
            bad.setAttribute(Setting.HOST.key, "192.168.7.1");
            bad.setAttribute(Setting.IDENTITY.key, "/nonexistent/id_ed25519");
            form.load(new LaunchConfigAttributes(bad));
            error = form.validate();
            check(error != null && error.contains("/nonexistent/id_ed25519"), "missing key: " + error);
            shell.dispose();
        });

        t.test("host-key policy: the default choice writes nothing (an SSH configuration's StrictHostKeyChecking applies), "
                + "strict and accept-new are written", () -> {
            for (Function<Composite, AttributeForm> make : List.<Function<Composite, AttributeForm>>of(TargetForm::new,
                    StSettingsForm::new)) {
                Shell shell = new Shell(display);
                shell.setLayout(new FillLayout());
                AttributeForm form = make.apply(shell);
                Combo policy = policyCombo(form);
                MapAttributes a = new MapAttributes();
                form.load(a);
                equal(0, policy.getSelectionIndex(), form.getClass().getSimpleName() + ": unset policy shows the default choice");
                form.save(a);
                check(!a.asMap().containsKey(Setting.HOST_KEY_POLICY.key), form.getClass().getSimpleName() + ": default choice written: " + a.asMap());
                for (String explicit : List.of("strict", "accept-new")) {
                    policy.select(policy.indexOf(explicit));
                    form.save(a);
                    equal(explicit, a.get(Setting.HOST_KEY_POLICY.key, ""), form.getClass().getSimpleName() + ": chosen policy");
                    form.load(a);
                    equal(explicit, policy.getText(), form.getClass().getSimpleName() + ": policy shown again");
                }
                policy.select(0);
                form.save(a);
                equal("", a.get(Setting.HOST_KEY_POLICY.key, ""), form.getClass().getSimpleName() + ": back to the default");
                shell.dispose();
            }
        });

        t.test("SSH configuration and the upload without SFTP: written, shown again, sent, a missing file reported", () -> {
            for (Function<Composite, AttributeForm> make : List.<Function<Composite, AttributeForm>>of(TargetForm::new,
                    StSettingsForm::new)) {
                Shell shell = new Shell(display);
                shell.setLayout(new FillLayout());
                AttributeForm form = make.apply(shell);
                String name = form.getClass().getSimpleName();
                Text sshConfig = child(form, Text.class, c -> String.valueOf(c.getToolTipText()).startsWith("OpenSSH client configuration"));
                Button execUpload = child(form, Button.class, c -> (c.getStyle() & SWT.CHECK) != 0);
                MapAttributes a = new MapAttributes();
                a.set(Setting.HOST.key, "lab-board");
                form.load(a);
                equal("", sshConfig.getText(), name + ": no SSH configuration by default");
                check(execUpload.getSelection(), name + ": the upload without SFTP is on by default");
                form.save(a);
                check(!a.asMap().containsKey(Setting.EXEC_UPLOAD.key), name + ": the default written: " + a.asMap());
                check(!CheckRequest.toJson(a, x -> x, null, null).contains("ssh_config"), name + ": nothing sent");
                sshConfig.setText("default");
                execUpload.setSelection(false);
                form.save(a);
                equal("default", a.get(Setting.SSH_CONFIG.key, ""), name + ": configuration written");
                equal("false", a.get(Setting.EXEC_UPLOAD.key, ""), name + ": upload without SFTP turned off");
                String request = CheckRequest.toJson(a, x -> x, null, null);
                check(request.contains("\"ssh_config\":\"default\"") && request.contains("\"exec_upload\":false"),
                        name + ": request " + request);
                form.load(a);
                equal("default", sshConfig.getText(), name + ": configuration shown again");
                check(!execUpload.getSelection(), name + ": turned off, shown again");
                equal(null, form.validate(), name + ": 'default' is valid");
                sshConfig.setText("/nonexistent/ssh_config");
                String error = form.validate();
                check(error != null && error.contains("/nonexistent/ssh_config"), name + ": missing file: " + error);
                shell.dispose();
            }
        });

        t.test("Checks tab: 'Run checks now' runs off the UI thread and shows the report with the quick fix", () -> {
            check(!report.ok, "the run with a wrong port should fail");
            String[] applied = {null};
            renderForm("tab-checks", p -> {
                ChecksForm form = new ChecksForm(p, () -> PreLaunchDelegate.runChecks(failing, new NullProgressMonitor()),
                        port -> applied[0] = port);
                org.eclipse.swt.widgets.Button run = (org.eclipse.swt.widgets.Button) form.getChildren()[0];
                equal("Run checks now", run.getText(), "first control");
                run.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
                long end = System.currentTimeMillis() + 60000;
                while (System.currentTimeMillis() < end && texts(form).stream().noneMatch(x -> x.startsWith("Quick fix"))) {
                    pump(100);
                }
                return form;
            }, attrs, List.of("Quick fix: use " + report.suggestedSerialPort().orElse("(no suggested_port)"), "SER002"));
        });

        t.test("failure report dialog renders every step and the quick fix", () -> {
            Shell parent = new Shell(display);
            ReportDialog dialog = new ReportDialog(parent, config.getName(), report, port -> { });
            Shell shell = dialog.shell();
            shell.setSize(980, 660);
            shell.setLocation(0, 0);
            dialog.open();
            pump(600);
            List<String> texts = texts(shell);
            check(texts.stream().anyMatch(s -> s.startsWith("Use " + report.suggestedSerialPort().orElse("(none)"))),
                    "quick-fix button missing: " + texts);
            snapshot(shell, "failure-report");
            shell.dispose();
            parent.dispose();
        });

        t.test("the Windows seed case (recorded report: COM41 configured, COM40 the ST-LINK's VCP): SER002 leads, 'Use COM40' beside the fix", () -> {
            Report win = Report.parse(Files.readString(
                    Path.of(System.getProperty("stm32mp.test.fixtures"), "windows-seed-com41.json")));
            equal("COM40", win.suggestedSerialPort().orElse(null), "suggested port of the recorded report");
            Shell parent = new Shell(display);
            List<String> applied = new ArrayList<>();
            ReportDialog dialog = new ReportDialog(parent, "OpenAMP_TTY_echo_CM33_NonSecure Debug", win, applied::add);
            Shell shell = dialog.shell();  // the size the dialog gives itself, as a user sees it
            shell.setLocation(0, 0);
            dialog.open();
            pump(600);
            String text = StLaunchUiTests.texts(shell);
            check(text.contains("SER002") && text.contains("COM41") && text.contains("set the preferred serial device to COM40"),
                    "report text: " + text);
            check(!text.contains("/dev/tty") && !text.contains("Z:/"), "Linux or test paths in a Windows report: " + text);
            snapshot(shell, "st-diagnosis-report-com41");
            StLaunchUiTests.click(StLaunchUiTests.find(shell, "Use COM40"));
            equal(List.of("COM40"), applied, "port the quick fix writes");
            if (!shell.isDisposed()) {
                shell.dispose();
            }
            parent.dispose();
        });

        display.dispose();
        return t.finish();
    }

    private void renderForm(String name, Function<Composite, AttributeForm> factory, LaunchConfigAttributes attrs,
            List<String> expected) throws Exception {
        Shell shell = new Shell(display, SWT.SHELL_TRIM);
        shell.setText(name);
        shell.setLayout(new FillLayout());
        AttributeForm form = factory.apply(shell);
        form.load(attrs);
        shell.setSize(900, name.equals("tab-checks") ? 560 : 420);
        shell.setLocation(0, 0);
        shell.open();
        pump(500);
        List<String> texts = texts(shell);
        for (String e : expected) {
            check(texts.stream().anyMatch(s -> s.contains(e)), name + ": no widget shows '" + e + "' in " + texts);
        }
        snapshot(shell, name);
        shell.dispose();
    }

    private void pump(long ms) {
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

    private void snapshot(Shell shell, String name) {
        Screenshots.save(shell, new File(outDir, name + ".png"));
    }

    /** The form's host-key policy combo (the one offering accept-new). */
    /** The form's first direct child of that type that matches. */
    private static <T extends Control> T child(Composite form, Class<T> type, java.util.function.Predicate<T> matches) {
        for (Control c : form.getChildren()) {
            if (type.isInstance(c) && matches.test(type.cast(c))) {
                return type.cast(c);
            }
        }
        throw new AssertionError("no such " + type.getSimpleName() + " in " + form.getClass().getSimpleName());
    }

    private static Combo policyCombo(Composite form) {
        for (Control c : form.getChildren()) {
            if (c instanceof Combo && ((Combo) c).indexOf("accept-new") >= 0) {
                return (Combo) c;
            }
        }
        throw new AssertionError("no host-key policy combo in " + form.getClass().getSimpleName());
    }

    static List<String> texts(Control c) {
        List<String> out = new ArrayList<>();
        collect(c, out, new HashSet<>());
        return out;
    }

    private static void collect(Control c, List<String> out, Set<Control> seen) {
        if (!seen.add(c)) {
            return;
        }
        if (c instanceof Text) {
            out.add(((Text) c).getText());
        } else if (c instanceof Combo) {
            out.add(((Combo) c).getText());
            for (String item : ((Combo) c).getItems()) {
                out.add(item);
            }
        } else if (c instanceof Label) {
            out.add(((Label) c).getText());
        } else if (c instanceof org.eclipse.swt.widgets.Button) {
            out.add(((org.eclipse.swt.widgets.Button) c).getText());
        } else if (c instanceof org.eclipse.swt.widgets.Tree) {
            for (var item : ((org.eclipse.swt.widgets.Tree) c).getItems()) {
                out.add(item.getText(0) + " " + item.getText(1) + " " + item.getText(2));
            }
        }
        if (c instanceof Composite) {
            for (Control child : ((Composite) c).getChildren()) {
                collect(child, out, seen);
            }
        }
    }

    @Override
    public void stop() {
        // start() runs to completion.
    }
}
