package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.bridge.CodeIds;
import com.stm32mp.prelaunch.core.FailedLaunchWatcher.FailedLaunch;
import com.stm32mp.prelaunch.core.FailedLaunchWatcher;
import com.stm32mp.prelaunch.core.ReportStatus;
import com.stm32mp.prelaunch.core.StConfigs;
import com.stm32mp.prelaunch.core.StDelegates;
import com.stm32mp.prelaunch.core.StepStatuses.StepStatus;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchDelegate;

/**
 * STM32CubeIDE's own configurations with the plug-in installed (headless): ST's launcher stays the
 * preferred one, opted-in MP2 configurations are checked before ST's sequence (forwarding every call
 * to ST's delegate found at run time), and a failed launch job of an MP2 configuration is noticed.
 */
final class StTypeTests {
    /** The stand-in's delegate id: known to the tests (they declare it), unknown to the plug-in. */
    static final String STANDIN_DELEGATE = "standin.q7x.hardwareDebugDelegate";

    private StTypeTests() {}

    /** An MP2 production-mode configuration as STM32CubeIDE saves it, plus our SSH settings for the board-sim. */
    static ILaunchConfigurationWorkingCopy mp2(Fixtures f, String name, String serialDevice) throws CoreException {
        ILaunchConfigurationWorkingCopy wc = Fixtures.manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE)
                .newInstance(null, name);
        wc.setAttribute(LaunchKeys.ST_CONNECTION, LaunchKeys.ST_CONNECTION_MPU_SERIAL);
        wc.setAttribute(LaunchKeys.ST_LOAD_THRU_SERIAL, true);
        wc.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, serialDevice);
        wc.setAttribute(LaunchKeys.ST_INET_ADDR, f.b("host"));
        wc.setAttribute(LaunchKeys.ST_PROJECT, "Board_CM33_NonSecure");
        wc.setAttribute(LaunchKeys.ST_PROGRAM, System.getProperty("stm32mp.test.elf", ""));
        wc.setAttribute(FakeStDelegate.LOAD, true);
        // What our tab stores in ST's configuration: the board's key and known_hosts, never the host user's.
        wc.setAttribute(Setting.IDENTITY.key, f.b("identity"));
        wc.setAttribute(Setting.KNOWN_HOSTS.key, f.b("known_hosts"));
        wc.setAttribute(Setting.SYSFS_ROOT.key, f.b("sysfs_root"));
        wc.setAttribute(Setting.DEV_ROOT.key, f.b("dev_root"));
        wc.setAttribute(Setting.TIMEOUT_MS.key, 30000);  // the board-sim shares 2 cores with every other build
        return wc;
    }

    static void boardSet(Fixtures f, String knob) throws Exception {
        FakeStDelegate.run(List.of(System.getProperty("stm32mp.boardsim.script"), "set", "--dir", f.b("dir"), knob));
    }

    /** What a load changes on the board: /lib/firmware and every remoteproc instance's state and firmware. */
    static String boardState(Fixtures f) throws Exception {
        List<String> cmd = FakeStDelegate.ssh(f.board, "ssh");
        cmd.add(f.b("user") + "@" + f.b("host"));
        cmd.add("ls -l --time-style=+%s /lib/firmware; for d in /sys/class/remoteproc/*; do echo $d $(cat $d/name $d/state $d/firmware); done");
        return FakeStDelegate.run(cmd);
    }

    static List<String> callsFor(String name) {
        return FakeStDelegate.CALLS.stream().filter(c -> c.endsWith("|" + name)).map(c -> c.substring(0, c.indexOf('|')))
                .toList();
    }

    static void run(TestRunner t, Fixtures f) {
        ILaunchConfigurationType type = Fixtures.manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE);
        Set<String> debug = Set.of("debug");

        t.test("bundle start made ST's launcher (found at run time) the preferred one of ST's type", () -> {
            List<String> ids = new ArrayList<>();
            for (ILaunchDelegate d : type.getDelegates(debug)) {
                ids.add(d.getId());
            }
            check(ids.contains(StDelegates.CHECKED_DELEGATE_ID) && ids.contains(STANDIN_DELEGATE), "debug delegates " + ids);
            ILaunchDelegate preferred = type.getPreferredDelegate(debug);
            equal(STANDIN_DELEGATE, preferred == null ? null : preferred.getId(), "preferred debug delegate");
            equal(1, type.getDelegates(Set.of("run")).length, "run delegates (ours is debug-only)");
        });

        t.test("a non-MP2 configuration of ST's type launches as before: ST's delegate, no prompt, no checks", () -> {
            FakeStDelegate.LAUNCHES.clear();
            FakeStDelegate.CALLS.clear();
            ILaunchConfigurationWorkingCopy wc = type.newInstance(null, "F4 board Debug");
            wc.setAttribute("org.eclipse.cdt.debug.gdbjtag.core.jtagDeviceId", "com.st.stm32cube.ide.mcu.debug.stlink");
            ILaunchConfiguration c = wc.doSave();
            check(!StConfigs.isProductionMode(c), "not production mode");
            c.launch("debug", new NullProgressMonitor());
            c.launch("run", new NullProgressMonitor());
            equal(List.of("F4 board Debug|debug", "F4 board Debug|run"), FakeStDelegate.LAUNCHES, "ST launches");
            equal(null, c.getPreferredDelegate(debug), "configuration's own launcher choice untouched");
        });

        t.test("opted in, the seed case: SER002 before ST's sequence; the fix writes ttyACM0; next launch loads once", () -> {
            boardSet(f, "order=m33,m0");  // remoteproc0 is the M33 here, so ST's hard-coded instance is right
            try {
                FakeStDelegate.LAUNCHES.clear();
                FakeStDelegate.CALLS.clear();
                ILaunchConfigurationWorkingCopy wc = mp2(f, "Seed CM33 Debug", "/dev/ttyACM1");
                StDelegates.setOptedIn(wc, true);
                ILaunchConfiguration c = wc.doSave();
                check(StDelegates.isOptedIn(c), "opted in");
                CoreException e = HeadlessTestApp.expectCoreException(() -> c.launch("debug", new NullProgressMonitor(), true));
                check(e.getStatus() instanceof ReportStatus, "status " + HeadlessTestApp.describe(e.getStatus()));
                ReportStatus rs = (ReportStatus) e.getStatus();
                List<String> ran = new ArrayList<>();
                StepStatus serial = null;
                for (IStatus s : rs.getChildren()) {
                    StepStatus step = (StepStatus) s;
                    if (!"skipped".equals(step.step().status)) {
                        ran.add(step.stepId());
                    }
                    serial = "serial-port".equals(step.stepId()) ? step : serial;
                }
                check(ran.contains("target") && ran.stream().noneMatch(StConfigs.BOARD_CHANGING_STEPS::contains),
                        "steps run before ST's sequence: " + ran);
                check(serial != null, "no serial-port step");
                equal(List.of(CodeIds.SER002), serial.codes(), "serial-port codes");
                equal(List.of("getLaunch", "preLaunchCheck", "buildForLaunch"), callsFor(c.getName()),
                        "forwarded to ST's delegate before the checks stopped it");
                String port = rs.report().suggestedSerialPort().orElse(null);
                equal("/dev/ttyACM0", port, "suggested port");
                StConfigs.applySerialPort(c, port);
                equal("/dev/ttyACM0", c.getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "serialDeviceLoader after the fix");
                FakeStDelegate.CALLS.clear();
                try {
                    c.launch("debug", new NullProgressMonitor(), true);
                } catch (CoreException x) {
                    throw new AssertionError("launch after the fix: " + HeadlessTestApp.describe(x.getStatus()), x);
                }
                equal(List.of(c.getName() + "|debug"), FakeStDelegate.LAUNCHES, "ST's sequence ran once");
                equal(List.of("getLaunch", "preLaunchCheck", "buildForLaunch", "finalLaunchCheck", "launch"),
                        callsFor(c.getName()), "every call forwarded, once");
                // The stand-in's load ends by checking remoteproc0's state is "running" (its launch would fail
                // otherwise). The board is left alone before that load: the TEE case below compares its state.
            } finally {
                boardSet(f, "order=m0,m33");
            }
        });

        t.test("opted in, unsigned ELF on a TEE board: TGT004 before ST's sequence, board untouched", () -> {
            boardSet(f, "mode=TEE");
            try {
                FakeStDelegate.CALLS.clear();
                ILaunchConfigurationWorkingCopy wc = mp2(f, "TEE CM33 Debug", "/dev/ttyACM0");
                StDelegates.setOptedIn(wc, true);
                ILaunchConfiguration c = wc.doSave();
                String before = boardState(f);
                CoreException e = HeadlessTestApp.expectCoreException(() -> c.launch("debug", new NullProgressMonitor()));
                check(e.getStatus() instanceof ReportStatus, "status " + HeadlessTestApp.describe(e.getStatus()));
                List<String> codes = new ArrayList<>();
                for (IStatus s : e.getStatus().getChildren()) {
                    if ("target".equals(((StepStatus) s).stepId())) {
                        codes.addAll(((StepStatus) s).codes());
                    }
                }
                check(codes.contains(CodeIds.TGT004), "target codes " + codes + "\n" + HeadlessTestApp.describe(e.getStatus()));
                check(!callsFor(c.getName()).contains("launch"), "ST's sequence ran: " + callsFor(c.getName()));
                equal(before, boardState(f), "board after the stopped launch");
            } finally {
                boardSet(f, "mode=ELF");
            }
        });

        t.test("opted in: cancel during the ssh step ends the launch within half a second", () -> {
            try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new CopyOnWriteArrayList<>();
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
                FakeStDelegate.CALLS.clear();
                ILaunchConfigurationWorkingCopy wc = mp2(f, "Cancelled CM33 Debug", "/dev/ttyACM0");
                wc.setAttribute(Setting.HOST.key, "127.0.0.1");
                wc.setAttribute(Setting.PORT.key, silent.getLocalPort());
                wc.setAttribute(Setting.TIMEOUT_MS.key, 30000);
                StDelegates.setOptedIn(wc, true);
                ILaunchConfiguration c = wc.doSave();
                HeadlessTestApp.RecordingMonitor monitor = new HeadlessTestApp.RecordingMonitor();
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread launcher = new Thread(() -> {
                    try {
                        outcome.set("returned " + c.launch("debug", monitor));
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
                check(launcher.isAlive(), "ended before the ssh step: " + outcome.get() + " " + monitor.subTasks);
                Thread.sleep(300);
                long t0 = System.nanoTime();
                monitor.setCanceled(true);
                launcher.join(2000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                check(!launcher.isAlive(), "launch still running 2 s after cancel");
                check(ms <= 500, "launch ended " + ms + " ms after cancel (limit 500)");
                check(!callsFor(c.getName()).contains("launch"), "ST's sequence ran after cancel");
                System.out.println("  opted-in launch ended " + ms + " ms after cancel: " + outcome.get());
                for (Socket s : held) {
                    s.close();
                }
            }
        });

        t.test("a failed launch job of an MP2 configuration is noticed with its start time; a non-MP2 failure is not", () -> {
            List<FailedLaunch> seen = new CopyOnWriteArrayList<>();
            FailedLaunchWatcher watcher = new FailedLaunchWatcher(seen::add).install();
            try {
                ILaunchConfiguration mp2 = mp2(f, "Failing CM33 Debug", "/dev/ttyACM1").doSave();
                ILaunchConfigurationWorkingCopy other = type.newInstance(null, "Failing F4 Debug");
                other.setAttribute(FakeStDelegate.LOAD, true);
                other.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, "/dev/ttyACM9");
                ILaunchConfiguration plain = other.doSave();
                long t0 = System.currentTimeMillis();
                launchInJob(plain);
                launchInJob(mp2);
                long deadline = System.currentTimeMillis() + 5000;
                while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);  // the plain configuration's job ended first: anything about it is in by now
                equal(1, seen.size(), "failures noticed " + seen);
                FailedLaunch failed = seen.get(0);
                equal(mp2.getName(), failed.config().getName(), "configuration");
                check(failed.startedAtMillis() >= t0 && failed.startedAtMillis() <= System.currentTimeMillis(), "start time");
                equal(FakeStDelegate.ST_FAILURE, failed.failure().getMessage(), "ST's message");
            } finally {
                watcher.uninstall();
            }
        });
    }

    /** A job like the platform's "Launching X" (DebugUIPlugin.launchInBackground needs the workbench). */
    static void launchInJob(ILaunchConfiguration c) throws InterruptedException {
        Job job = new Job("Launching " + c.getName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    c.launch("debug", monitor);
                    return Status.OK_STATUS;
                } catch (CoreException e) {
                    return e.getStatus();
                }
            }
        };
        job.schedule();
        job.join();
    }
}
