package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;
import static com.stm32mp.prelaunch.tests.TestRunner.equal;

import com.stm32mp.prelaunch.core.StDelegates;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.ui.DiagnoseOffer;
import com.stm32mp.prelaunch.ui.Startup;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

/**
 * The user's own Debug click, the way the platform takes it: DebugUITools.launch → the background
 * launch job → ST's (stand-in) delegate fails with ST's message → our offer → the diagnosis report
 * → the quick fix written into ST's configuration → the next Debug click works.
 */
final class StLaunchUiTests {
    private StLaunchUiTests() {}

    static void run(TestRunner t, Display display, Fixtures f, File out) {
        t.test("the workbench started our early startup: launches are watched", () -> {
            long end = System.currentTimeMillis() + 20000;
            while (!Startup.isWatching() && System.currentTimeMillis() < end) {
                pump(display, 50);
            }
            check(Startup.isWatching(), "org.eclipse.ui.startup did not run Startup");
        });

        t.test("seed case: ST's launch fails, the offer appears, the report names SER002, the fix makes the next launch work", () -> {
            StTypeTests.boardSet(f, "order=m33,m0");  // remoteproc0 is the M33: ST's hard-coded instance is right here
            try {
                FakeStDelegate.LAUNCHES.clear();
                ILaunchConfiguration st = StTypeTests.mp2(f, "OpenAMP_TTY_echo_CM33_NonSecure Debug", "/dev/ttyACM1").doSave();
                DebugUITools.launch(st, "debug");
                Shell offer = waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 30000);
                check(offer != null, "no offer after the failed launch; shells: " + titles(display));
                String offerText = texts(offer);
                check(offerText.contains(st.getName()) && offerText.contains("Error in final launch sequence"),
                        "offer text: " + offerText);
                closePlatformErrorDialogs(display);
                pump(display, 300);
                Screenshots.save(offer, new File(out, "st-diagnose-offer.png"));
                click(find(offer, DiagnoseOffer.DIAGNOSE));
                Shell report = waitForShell(display, s -> s.getText().startsWith("Pre-launch checks failed"), 60000);
                check(report != null, "no report after Diagnose; shells: " + titles(display));
                String text = texts(report);
                check(text.contains("SER002") && text.contains("/dev/ttyACM1"), "report text: " + text);
                Button fix = find(report, "Use /dev/ttyACM0");
                check(fix != null, "no quick fix for /dev/ttyACM0 in: " + text);
                pump(display, 300);
                Screenshots.save(report, new File(out, "st-diagnosis-report.png"));
                click(fix);
                equal("/dev/ttyACM0", st.getAttribute(LaunchKeys.ST_SERIAL_DEVICE, ""), "serialDeviceLoader after the fix");
                report.close();
                DebugUITools.launch(st, "debug");
                long end = System.currentTimeMillis() + 60000;
                while (FakeStDelegate.LAUNCHES.isEmpty() && System.currentTimeMillis() < end) {
                    pump(display, 50);
                }
                equal(List.of(st.getName() + "|debug"), FakeStDelegate.LAUNCHES, "ST's launch after the fix");
                pump(display, 1000);
                check(waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 10) == null, "offer after a success");
            } finally {
                StTypeTests.boardSet(f, "order=m0,m33");
            }
        });

        t.test("an M33 image loaded by ST's sequence into remoteproc0 = m0: the diagnosis reads RPC004 from the board's log", () -> {
            closeLeftovers(display);
            ILaunchConfiguration st = StTypeTests.mp2(f, "Wrong core CM33 Debug", "/dev/ttyACM0").doSave();
            DebugUITools.launch(st, "debug");
            Shell offer = waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 30000);
            check(offer != null, "no offer; shells: " + titles(display));
            closePlatformErrorDialogs(display);
            click(find(offer, DiagnoseOffer.DIAGNOSE));
            Shell report = waitForShell(display, s -> s.getText().startsWith("Pre-launch checks"), 60000);
            check(report != null, "no report; shells: " + titles(display));
            String text = texts(report);
            report.close();
            check(text.contains("RPC004"), "report text: " + text);
        });

        t.test("opted in, the checks pass, then ST's sequence loads the M33 image into remoteproc0 = m0: the diagnosis of that load starts by itself (no offer) and reads RPC004", () -> {
            closeLeftovers(display);
            StTypeTests.boardSet(f, "mode=ELF");
            StTypeTests.boardSet(f, "order=m0,m33");  // our checks find the M33 (remoteproc1); ST's sequence hard-codes remoteproc0
            FakeStDelegate.CALLS.clear();
            ILaunchConfigurationWorkingCopy wc = StTypeTests.mp2(f, "Opted-in wrong core CM33 Debug", "/dev/ttyACM0");
            StDelegates.setOptedIn(wc, true);
            ILaunchConfiguration st = wc.doSave();
            DebugUITools.launch(st, "debug");
            Shell report = waitForShell(display, s -> s.getText().startsWith("Pre-launch checks"), 90000);
            check(report != null, "no report without a click; shells: " + titles(display) + "; calls " + FakeStDelegate.CALLS);
            String text = texts(report);
            boolean offered = waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 10) != null;
            report.close();
            closePlatformErrorDialogs(display);
            equal(List.of("getLaunch", "preLaunchCheck", "buildForLaunch", "finalLaunchCheck", "launch"),
                    StTypeTests.callsFor(st.getName()), "the checks passed and ST's sequence ran once");
            check(text.contains("RPC004"), "report text: " + text);
            check(!offered, "an offer to click although the configuration opted in");
        });

        t.test("opted in, unsigned ELF on a TEE board: the platform's launch path (Debug Configurations dialog → our handler) shows TGT004, ST's sequence never runs", () -> {
            closeLeftovers(display);
            StTypeTests.boardSet(f, "mode=TEE");
            try {
                FakeStDelegate.CALLS.clear();
                ILaunchConfigurationWorkingCopy wc = StTypeTests.mp2(f, "TEE board CM33 Debug", "/dev/ttyACM0");
                StDelegates.setOptedIn(wc, true);
                ILaunchConfiguration st = wc.doSave();
                closePlatformErrorDialogs(display);  // left from the previous case
                String before = StTypeTests.boardState(f);
                // The platform opens the Debug Configurations dialog, which calls our status handler while
                // it is still opening (hidden, 4.26): our report comes first, modal, then the dialog shows.
                // Both are handled from a timer, which runs inside those dialogs' own event loops.
                String[] text = {null};
                Shell[] under = {null};
                boolean[] dialogClosed = {false};
                boolean[] overDialog = {false};
                int[] attempts = {0};
                long pollEnd = System.currentTimeMillis() + 90000;
                long[] seenAt = {0};
                Throwable[] error = {null};
                Runnable[] poll = new Runnable[1];
                poll[0] = () -> {
                    for (Shell s : display.getShells()) {
                        if (s.isDisposed()) {
                            continue;
                        }
                        if (s.isVisible() && s.getText().startsWith("Pre-launch checks failed") && text[0] == null) {
                            if (seenAt[0] == 0) {
                                seenAt[0] = System.currentTimeMillis();  // let it paint before the screenshot
                            } else if (System.currentTimeMillis() - seenAt[0] > 800) {
                                overDialog[0] = under[0] != null && under[0].isVisible() && s.getParent() == under[0];
                                try {
                                    s.update();  // paint what is pending before the copy
                                    Screenshots.save(s, new File(out, "st-opted-in-report.png"));
                                    if (overDialog[0]) {
                                        // What the screen shows where the dialog is: the report stacked over it.
                                        under[0].update();
                                        Screenshots.saveScreen(display, under[0].getBounds().union(s.getBounds())
                                                .intersection(display.getBounds()), new File(out, "st-report-over-dialog.png"));
                                    }
                                } catch (Throwable x) {
                                    // Not painted yet on a loaded machine: try again a little later, ten times at most.
                                    if (++attempts[0] < 10) {
                                        seenAt[0] = System.currentTimeMillis();
                                        continue;
                                    }
                                    error[0] = x;  // reported after the dialogs are closed
                                }
                                text[0] = texts(s);
                                System.out.println("  shells with the report open: " + titles(display));
                                s.close();
                            }
                        } else if (s.getText().contains("Configurations")) {
                            under[0] = s;
                            if (text[0] != null && s.isVisible()) {
                                s.close();
                                dialogClosed[0] = true;
                            }
                        }
                    }
                    if (!dialogClosed[0] && System.currentTimeMillis() < pollEnd) {
                        display.timerExec(200, poll[0]);
                    }
                };
                display.timerExec(200, poll[0]);
                DebugUITools.launch(st, "debug");
                long end = System.currentTimeMillis() + 90000;
                while (!dialogClosed[0] && System.currentTimeMillis() < end) {
                    pump(display, 50);
                }
                pump(display, 500);
                check(text[0] != null, "no report; shells: " + titles(display));
                if (error[0] != null) {
                    throw new AssertionError("screenshot of the report", error[0]);
                }
                check(under[0] != null, "the report did not come from the Debug Configurations dialog: " + titles(display));
                check(overDialog[0], "the report did not open over the visible Debug Configurations dialog");
                check(text[0].contains("TGT004"), "report text: " + text[0]);
                check(!StTypeTests.callsFor(st.getName()).contains("launch"), "ST's sequence ran");
                equal(before, StTypeTests.boardState(f), "board after the stopped launch");
                check(waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 1000) == null,
                        "offer on top of our own report");
            } finally {
                StTypeTests.boardSet(f, "mode=ELF");
            }
        });

        t.test("a failing non-MP2 configuration of ST's type: no offer, ST's launcher as before", () -> {
            closeLeftovers(display);
            FakeStDelegate.CALLS.clear();
            ILaunchConfigurationWorkingCopy wc = Fixtures.manager().getLaunchConfigurationType(LaunchKeys.ST_TYPE)
                    .newInstance(null, "F4 board Debug (failing)");
            wc.setAttribute(FakeStDelegate.LOAD, true);
            wc.setAttribute(LaunchKeys.ST_SERIAL_DEVICE, "/dev/ttyACM9");
            ILaunchConfiguration c = wc.doSave();
            DebugUITools.launch(c, "debug");
            long end = System.currentTimeMillis() + 30000;
            while (!StTypeTests.callsFor(c.getName()).contains("launch") && System.currentTimeMillis() < end) {
                pump(display, 50);
            }
            check(StTypeTests.callsFor(c.getName()).contains("launch"), "ST's delegate not called: " + FakeStDelegate.CALLS);
            waitForJobs(display);
            check(waitForShell(display, s -> DiagnoseOffer.TITLE.equals(s.getText()), 1500) == null, "offer for a non-MP2 configuration");
            check(titles(display).stream().noneMatch(x -> x.contains("Preferred Launcher")), "launcher prompt: " + titles(display));
            closePlatformErrorDialogs(display);
        });
    }

    /** Offers and reports an earlier case left open when it failed: a later "no offer" check must not see them. */
    static void closeLeftovers(Display display) {
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && (DiagnoseOffer.TITLE.equals(s.getText()) || s.getText().startsWith("Pre-launch checks"))) {
                s.close();
            }
        }
        closePlatformErrorDialogs(display);
        pump(display, 200);
    }

    static void waitForJobs(Display display) {
        long end = System.currentTimeMillis() + 30000;
        while (System.currentTimeMillis() < end && Job.getJobManager().find(null).length > 0
                && java.util.Arrays.stream(Job.getJobManager().find(null)).anyMatch(j -> j.getName().startsWith("Launching"))) {
            pump(display, 50);
        }
    }

    /** The platform's "Problem Occurred" error dialog(s) for the failed job: seen, then closed. */
    static void closePlatformErrorDialogs(Display display) {
        List<Shell> windows = new ArrayList<>();
        for (var w : org.eclipse.ui.PlatformUI.getWorkbench().getWorkbenchWindows()) {
            windows.add(w.getShell());
        }
        for (Shell s : display.getShells()) {
            if (!windows.contains(s) && !s.isDisposed() && s.isVisible() && !s.getText().equals(DiagnoseOffer.TITLE) && !s.getText().startsWith("Pre-launch")) {
                System.out.println("  closing platform dialog '" + s.getText() + "': " + texts(s).replace('\n', ' '));
                s.close();
            }
        }
    }

    static Shell waitForShell(Display display, Predicate<Shell> which, long ms) {
        long end = System.currentTimeMillis() + ms;
        do {
            for (Shell s : display.getShells()) {
                if (!s.isDisposed() && s.isVisible() && which.test(s)) {
                    return s;
                }
            }
            pump(display, 50);
        } while (System.currentTimeMillis() < end);
        return null;
    }

    static List<String> titles(Display display) {
        List<String> out = new ArrayList<>();
        for (Shell s : display.getShells()) {
            out.add(s.getText() + (s.isVisible() ? "" : " (hidden)"));
        }
        return out;
    }

    /** Every label, button and link text in the shell, one per line. */
    static String texts(Composite c) {
        StringBuilder b = new StringBuilder();
        for (Control child : c.getChildren()) {
            if (child instanceof Label) {
                b.append(((Label) child).getText()).append('\n');
            } else if (child instanceof Button) {
                b.append(((Button) child).getText()).append('\n');
            } else if (child instanceof org.eclipse.swt.widgets.Link) {
                b.append(((org.eclipse.swt.widgets.Link) child).getText()).append('\n');
            } else if (child instanceof org.eclipse.swt.widgets.Text) {
                b.append(((org.eclipse.swt.widgets.Text) child).getText()).append('\n');
            } else if (child instanceof org.eclipse.swt.widgets.Tree) {
                for (var item : ((org.eclipse.swt.widgets.Tree) child).getItems()) {
                    b.append(item.getText(0)).append(' ').append(item.getText(1)).append(' ').append(item.getText(2)).append('\n');
                    for (var sub : item.getItems()) {
                        b.append("  ").append(sub.getText(0)).append(' ').append(sub.getText(2)).append('\n');
                    }
                }
            }
            if (child instanceof Composite) {
                b.append(texts((Composite) child));
            }
        }
        return b.toString();
    }

    /** A button by the start of its text, mnemonic ampersands ignored ("&Apply" is found as "Apply"). */
    static Button find(Composite c, String textPrefix) {
        for (Control child : c.getChildren()) {
            if (child instanceof Button && ((Button) child).getText().replace("&", "").startsWith(textPrefix)) {
                return (Button) child;
            }
            if (child instanceof Composite) {
                Button b = find((Composite) child, textPrefix);
                if (b != null) {
                    return b;
                }
            }
        }
        return null;
    }

    static void click(Button b) {
        check(b != null, "button missing");
        b.notifyListeners(SWT.Selection, new Event());
    }

    static void pump(Display display, long ms) {
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
}
