package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.bridge.CodeIds;
import com.stm32mp.prelaunch.bridge.PreLaunch;
import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.core.PreLaunchDelegate;
import com.stm32mp.prelaunch.core.ReportStatus;
import com.stm32mp.prelaunch.core.ReportText;
import com.stm32mp.prelaunch.core.SecretStore;
import com.stm32mp.prelaunch.core.StLaunches;
import com.stm32mp.prelaunch.core.StepStatuses.StepStatus;
import com.stm32mp.prelaunch.model.CheckRequest;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.MapAttributes;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.Setting;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.PBEKeySpec;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.provider.IProviderHints;

/**
 * Headless tests in a real Equinox runtime built from Debian's Eclipse 4.26 bundles: our bundle is
 * loaded from its jar (native library through Bundle-NativeCode) and configurations of our type are
 * launched against the simulated board. Prints "N passed, N failed" and exits 0 only if all pass.
 */
public final class HeadlessTestApp implements IApplication {
    static final List<String> STEP_IDS = List.of("config", "image", "devices", "serial-port", "network", "ssh",
            "target", "upload", "remoteproc", "verify");
    static final String ST_NAME = "Board CM33 Debug";

    /** Records subtasks and lets a test cancel. */
    /** Records every call the launch makes, in order (read from other threads while the launch runs). */
    static final class RecordingMonitor extends NullProgressMonitor {
        final List<String> subTasks = new CopyOnWriteArrayList<>();
        final List<Integer> worked = new CopyOnWriteArrayList<>();
        volatile int total = -1;

        @Override
        public void beginTask(String name, int totalWork) {
            total = totalWork;
        }

        @Override
        public void subTask(String name) {
            subTasks.add(name);
        }

        @Override
        public void worked(int work) {
            worked.add(work);
        }

        /** The "Step i/n: title" announcements, without the upload's repeated percentage updates. */
        List<String> stepAnnouncements() {
            return subTasks.stream().filter(x -> x.startsWith("Step ") && !x.endsWith("%)")).toList();
        }
    }

    @Override
    public Object start(IApplicationContext context) throws Exception {
        TestRunner t = new TestRunner();
        Fixtures f = new Fixtures();
        String badPort = f.b("dev_root") + "/ttyACM7";

        t.test("native library loads through Bundle-NativeCode and passes the version handshake", () -> {
            check(PreLaunch.isAvailable(), "engine not available: " + PreLaunch.loadError());
            equal(System.getProperty("stm32mp.engine.version"), PreLaunch.version(), "engine version");
            String maps = Files.readString(Path.of("/proc/self/maps"));
            check(maps.contains(".cp/lib/linux-x86_64/libstm32mp_prelaunch_jni.so"),
                    "library not mapped from the bundle's extracted native code");
        });

        t.test("launch type is registered with its name and modes", () -> {
            var type = Fixtures.manager().getLaunchConfigurationType(PluginIds.LAUNCH_TYPE_ID);
            check(type != null, "type missing");
            equal("STM32MP2 Cortex-M33 (pre-launch checked)", type.getName(), "type name");
            check(type.supportsMode("debug") && type.supportsMode("run"), "modes");
        });

        t.test("failing board: CoreException with one MultiStatus child per step and the right codes", () -> {
            FakeStDelegate.LAUNCHES.clear();
            Fixtures.st(ST_NAME, Map.of(LaunchKeys.ST_SERIAL_DEVICE, f.b("serial")));
            ILaunchConfigurationWorkingCopy wc = f.ours("failing", ST_NAME);
            wc.setAttribute(Setting.SERIAL.key, badPort);
            RecordingMonitor monitor = new RecordingMonitor();
            CoreException e = expectCoreException(() -> wc.launch("debug", monitor));
            check(e.getStatus() instanceof ReportStatus, "status is " + e.getStatus().getClass());
            ReportStatus rs = (ReportStatus) e.getStatus();
            equal(PluginIds.STATUS_STEPS_FAILED, rs.getCode(), "status code");
            equal(IStatus.ERROR, rs.getSeverity(), "severity");
            IStatus[] children = rs.getChildren();
            List<String> ids = new ArrayList<>();
            for (IStatus c : children) {
                check(c instanceof StepStatus, "child " + c + " is not a StepStatus");
                check(c.getSeverity() != IStatus.CANCEL, "CANCEL child " + c.getMessage());
                ids.add(((StepStatus) c).stepId());
            }
            equal(STEP_IDS, ids, "one child per step, in order");
            StepStatus serial = (StepStatus) children[STEP_IDS.indexOf("serial-port")];
            equal(IStatus.ERROR, serial.getSeverity(), "serial-port severity (" + serial.getMessage() + ")");
            // A port that does not exist: SER002, named through the generated registry constants.
            equal(List.of(CodeIds.SER002), serial.codes(), "serial-port codes");
            for (String ok : List.of("config", "devices", "network", "ssh")) {
                equal(IStatus.OK, children[STEP_IDS.indexOf(ok)].getSeverity() & IStatus.ERROR, ok + " has no error");
            }
            for (IStatus c : children) {
                for (String code : ((StepStatus) c).codes()) {
                    check(Arrays.asList(CodeIds.ALL).contains(code), code + " is not a registry code");
                }
            }
            check(serial.getChildren().length > 0 && serial.getChildren()[0].getMessage().contains(serial.codes().get(0)),
                    "diagnostic child names its code");
            check(monitor.subTasks.stream().filter(s -> s.startsWith("Step ")).count() >= 2,
                    "progress subtasks per step: " + monitor.subTasks);
            check(FakeStDelegate.LAUNCHES.isEmpty(), "ST configuration must not launch: " + FakeStDelegate.LAUNCHES);
            System.out.println("  serial-port: " + serial.getMessage());
        });

        t.test("quick fix writes the suggested port into our and the ST configuration", () -> {
            FakeStDelegate.LAUNCHES.clear();
            ILaunchConfiguration st = Fixtures.st("Seed case Debug", Map.of(LaunchKeys.ST_SERIAL_DEVICE, badPort));
            ILaunchConfigurationWorkingCopy wc = f.ours("seed", st.getName());
            wc.removeAttribute(Setting.SERIAL.key);  // as in the seed: only ST's serialDeviceLoader names a port
            ILaunchConfiguration ours = wc.doSave();
            CoreException e = expectCoreException(() -> ours.launch("debug", new NullProgressMonitor()));
            check(e.getStatus() instanceof ReportStatus, "status is " + e.getStatus());
            String port = ((ReportStatus) e.getStatus()).report().suggestedSerialPort().orElse(null);
            // The engine names devices as the target system sees them (/dev/…), whatever dev_root is.
            equal("/dev/" + Path.of(f.b("serial")).getFileName(), port, "suggested_port");
            ILaunchConfiguration updated = StLaunches.applySerialPort(ours, port);
            check(updated != null, "ST configuration not found");
            equal(port, StLaunches.find(st.getName()).getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "ST serialDeviceLoader");
            equal(port, ours.getAttribute(Setting.SERIAL.key, ""), "our serial");
            // After the fix the serial-port step passes (our copy reads the port; ST's file carries it too).
            ILaunchConfigurationWorkingCopy recheck = ours.getWorkingCopy();
            recheck.setAttribute(Setting.ONLY.key, "config,devices,serial-port");
            Report after = PreLaunchDelegate.runChecks(recheck, new NullProgressMonitor());
            equal("ok", after.step("serial-port").orElseThrow().status, "serial-port after the quick fix");
        });

        t.test("Windows seed report (COM41 set, COM40 the VCP): the quick fix writes serialDeviceLoader=COM40", () -> {
            // The report the Windows CLI wrote under wine for the seed case (tests/windows/cli_under_wine.sh
            // checks that the Windows build still writes it so); the plug-in on Windows reads the same JSON.
            String file = System.getProperty("stm32mp.test.windows_seed_report", "");
            check(!file.isEmpty() && new File(file).isFile(), "no Windows seed report at '" + file + "'");
            Report windows = Report.parse(Files.readString(Path.of(file)));
            equal(List.of(CodeIds.SER002), windows.step("serial-port").orElseThrow().diagnostics.stream()
                    .map(d -> d.code).toList(), "serial-port codes of the Windows report");
            String port = windows.suggestedSerialPort().orElse(null);
            equal("COM40", port, "suggested_port of the Windows report");
            ILaunchConfiguration st = Fixtures.st("Seed case Windows Debug", Map.of(LaunchKeys.ST_SERIAL_DEVICE, "COM41"));
            ILaunchConfigurationWorkingCopy wc = f.ours("seed-windows", st.getName());
            wc.removeAttribute(Setting.SERIAL.key);
            ILaunchConfiguration ours = wc.doSave();
            ILaunchConfiguration updated = StLaunches.applySerialPort(ours, port);
            check(updated != null, "ST configuration not found");
            equal("COM40", StLaunches.find(st.getName()).getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "ST serialDeviceLoader");
            equal("COM40", ours.getAttribute(Setting.SERIAL.key, ""), "our serial");
        });

        t.test("a path that cannot be resolved is a settings error with a fix, before any step runs", () -> {
            FakeStDelegate.LAUNCHES.clear();
            ILaunchConfigurationWorkingCopy wc = f.ours("bad-variable", ST_NAME);
            wc.setAttribute(Setting.SIGNED_IMAGE.key, "${workspace_loc:/NoSuchProject/fw_sign.bin}");
            CoreException e = expectCoreException(() -> wc.launch("debug", new NullProgressMonitor()));
            equal(PluginIds.STATUS_BAD_SETTINGS, e.getStatus().getCode(), "status code (" + e.getStatus().getMessage() + ")");
            check(e.getStatus().getMessage().contains("Fix:"), "no fix in: " + e.getStatus().getMessage());
            check(FakeStDelegate.LAUNCHES.isEmpty(), "ST launched");
        });

        t.test("launch group child: a failing child stops the group before the ST configuration", () -> {
            FakeStDelegate.LAUNCHES.clear();
            ILaunchConfigurationWorkingCopy child = f.ours("group-child-failing", ST_NAME);
            child.setAttribute(Setting.SERIAL.key, badPort);
            child.doSave();
            ILaunchConfiguration group = group("group-failing", "group-child-failing", ST_NAME);
            expectCoreException(() -> group.launch("debug", new NullProgressMonitor()));
            check(FakeStDelegate.LAUNCHES.isEmpty(), "ST launched despite failure: " + FakeStDelegate.LAUNCHES);
        });

        t.test("cancel stops a launch blocked in the ssh step within a second", () -> {
            FakeStDelegate.LAUNCHES.clear();
            try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            held.add(silent.accept());
                        }
                    } catch (Exception closed) {
                        // end of test
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                ILaunchConfigurationWorkingCopy wc = f.ours("cancelled", ST_NAME);
                wc.setAttribute(Setting.HOST.key, "127.0.0.1");
                wc.setAttribute(Setting.PORT.key, silent.getLocalPort());
                wc.setAttribute(Setting.TIMEOUT_MS.key, 30000);
                RecordingMonitor monitor = new RecordingMonitor();
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread launcher = new Thread(() -> {
                    try {
                        ILaunch l = wc.launch("debug", monitor);
                        outcome.set("returned " + l);
                    } catch (Throwable x) {
                        outcome.set(x);
                    }
                });
                launcher.start();
                long deadline = System.currentTimeMillis() + 15000;
                while (System.currentTimeMillis() < deadline && launcher.isAlive()
                        && monitor.subTasks.stream().noneMatch(s -> s.contains("ssh") || s.contains("SSH"))) {
                    Thread.sleep(20);
                }
                check(launcher.isAlive(), "launch ended before reaching the ssh step: " + outcome.get() + " " + monitor.subTasks);
                Thread.sleep(300);
                long t0 = System.nanoTime();
                monitor.setCanceled(true);
                launcher.join(2000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                check(!launcher.isAlive(), "launch still running 2 s after cancel");
                check(ms <= 1000, "launch ended " + ms + " ms after cancel (limit 1000: 100 ms poll + 500 ms engine)");
                Object o = outcome.get();
                // Eclipse 4.26 rethrows OperationCanceledException; 4.37+ returns quietly. Both are a cancel.
                check(o instanceof OperationCanceledException || (o instanceof String), "outcome " + o);
                check(FakeStDelegate.LAUNCHES.isEmpty(), "ST launched after cancel");
                System.out.println("  launch ended " + ms + " ms after cancel: " + o);
                for (Socket s : held) {
                    s.close();
                }
            }
        });

        t.test("secure storage keeps the password encrypted and the request description hides it", () -> {
            File store = File.createTempFile("secure", ".storage");
            store.delete();
            Map<String, Object> options = new HashMap<>();
            options.put(IProviderHints.PROMPT_USER, Boolean.FALSE);
            options.put(IProviderHints.DEFAULT_PASSWORD, new PBEKeySpec("test-master".toCharArray()));
            ISecurePreferences prefs = SecurePreferencesFactory.open(store.toURI().toURL(), options);
            SecretStore secrets = new SecretStore(prefs);
            secrets.setPassword("cfg/with/slash", "s3cret-pw");
            equal("s3cret-pw", secrets.password("cfg/with/slash"), "round trip");
            check(!Files.readString(store.toPath()).contains("s3cret-pw"), "password stored in clear text");
            MapAttributes a = new MapAttributes();
            a.set(Setting.HOST.key, "192.168.7.1");
            a.set(LaunchKeys.AUTH, "password");
            String request = CheckRequest.toJson(a, s -> s, null, "s3cret-pw");
            check(request.contains("s3cret-pw"), "the engine gets the password");
            check(!CheckRequest.describe(request).contains("s3cret-pw"), "description leaks the password");
        });

        t.test("happy path: checks pass on the board, then the ST configuration launches in the same mode", () -> {
            FakeStDelegate.LAUNCHES.clear();
            ILaunchConfigurationWorkingCopy wc = f.ours("happy", ST_NAME);
            RecordingMonitor monitor = new RecordingMonitor();
            try {
                wc.launch("debug", monitor);
            } catch (CoreException e) {
                throw new AssertionError("launch failed: " + describe(e.getStatus()), e);
            }
            equal(List.of(ST_NAME + "|debug"), FakeStDelegate.LAUNCHES, "ST launches");
            // Every step is announced once, in order, however fast it ran between two polls of the engine
            // (a fast upload used to fall between them): the monitor saw every call, no sampling here.
            List<String> announced = monitor.stepAnnouncements();
            equal(STEP_IDS.size(), announced.size(), "step announcements " + announced);
            for (int i = 0; i < announced.size(); i++) {
                String prefix = "Step " + (i + 1) + "/" + STEP_IDS.size() + ": ";
                check(announced.get(i).startsWith(prefix), "announcement " + i + " is '" + announced.get(i) + "'");
            }
            check(announced.get(STEP_IDS.indexOf("upload")).contains("pload"), "upload announced as " + announced);
            int worked = monitor.worked.stream().mapToInt(Integer::intValue).sum();
            check(monitor.total > 0 && worked > 0 && worked <= monitor.total && monitor.worked.stream().allMatch(w -> w > 0),
                    "work " + monitor.worked + " of " + monitor.total);
            System.out.println("  subtasks: " + monitor.subTasks);
            // "ok" allows warnings and skips; the simulated board must pass every step for real.
            Report again = PreLaunchDelegate.runChecks(wc, new NullProgressMonitor());
            equal(STEP_IDS, again.steps.stream().map(s -> s.id).toList(), "steps");
            for (var s : again.steps) {
                check(s.status.equals("ok") || s.status.equals("warning"), s.id + " is " + s.status
                        + (s.headline() == null ? "" : ": " + s.headline().code + " " + s.headline().message));
            }
            check(Arrays.stream(Fixtures.manager().getLaunches()).noneMatch(l -> l.getLaunchConfiguration() != null
                    && "happy".equals(l.getLaunchConfiguration().getName())), "our empty launch left registered");
            // Issue 12, the IDE's relaunch: the library stays loaded, so this second check of the same configuration
            // takes the session the launch left (SSH030, shown in the console's report) and the board facts kept
            // with it (one short read instead of the full probe).
            var ssh = again.step("ssh").orElseThrow();
            check(ssh.diagnostics.stream().anyMatch(d -> d.code.equals("SSH030")),
                    "the second check did not reuse the launch's session: " + ssh.observed);
            check(ReportText.render("happy", again).contains("SSH030"), "the console's report does not show the reuse");
            String facts = again.step("target").orElseThrow().observed.getOrDefault("facts", "");
            check(facts.startsWith("kept from the check"), "the target step probed again: '" + facts + "'");
        });

        t.test("happy path as a launch group child (checks only), followed by the ST configuration", () -> {
            FakeStDelegate.LAUNCHES.clear();
            f.ours("group-child-ok", "").doSave();
            ILaunchConfiguration group = group("group-ok", "group-child-ok", ST_NAME);
            try {
                group.launch("debug", new NullProgressMonitor());
            } catch (CoreException e) {
                throw new AssertionError("group launch failed: " + describe(e.getStatus()), e);
            }
            equal(List.of(ST_NAME + "|debug"), FakeStDelegate.LAUNCHES, "ST launched once, by the group after our checks");
        });

        StTypeTests.run(t, f);
        return t.finish();
    }

    /** A platform launch group: our configuration (mode inherit, action NONE), then ST's. */
    static ILaunchConfiguration group(String name, String first, String second) throws CoreException {
        ILaunchConfigurationWorkingCopy g = Fixtures.manager()
                .getLaunchConfigurationType("org.eclipse.debug.core.groups.GroupLaunchConfigurationType").newInstance(null, name);
        String[] children = second == null ? new String[] {first} : new String[] {first, second};
        for (int i = 0; i < children.length; i++) {
            String p = "org.eclipse.debug.core.launchGroup." + i + ".";
            g.setAttribute(p + "name", children[i]);
            g.setAttribute(p + "enabled", true);
            g.setAttribute(p + "mode", "inherit");
            g.setAttribute(p + "action", "NONE");
            g.setAttribute(p + "adoptIfRunning", false);
        }
        return g.doSave();
    }

    interface Launch {
        void run() throws CoreException;
    }

    static CoreException expectCoreException(Launch launch) {
        try {
            launch.run();
        } catch (CoreException e) {
            return e;
        }
        throw new AssertionError("expected a CoreException, the launch succeeded");
    }

    static String describe(IStatus s) {
        StringBuilder b = new StringBuilder(s.getMessage());
        for (IStatus c : s.getChildren()) {
            b.append("\n    ").append(c.getMessage());
        }
        return b.toString();
    }

    @Override
    public void stop() {
        // Nothing to stop: start() runs to completion.
    }
}
