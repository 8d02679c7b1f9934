package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.FailedLaunchWatcher.FailedLaunch;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;

/**
 * The offer after ST's launch failed: a small modeless window in the corner of the workbench (the
 * platform's own error dialog stays the one modal interruption), with one button that runs the
 * checks on that configuration.
 */
public final class DiagnoseOffer {
    public static final String TITLE = "stm32mp-prelaunch";
    public static final String DIAGNOSE = "Diagnose with stm32mp-prelaunch";

    private final Shell shell;
    private final Button diagnose;

    public DiagnoseOffer(Shell parent, FailedLaunch failed) {
        shell = new Shell(parent, SWT.TITLE | SWT.CLOSE | SWT.MODELESS | SWT.ON_TOP | SWT.TOOL);
        shell.setText(TITLE);
        shell.setLayout(new GridLayout(2, false));
        Label what = new Label(shell, SWT.WRAP);
        what.setText("'" + failed.config().getName() + "' did not start:\n" + shortMessage(failed.failure().getMessage())
                + "\n\nThe checks can tell which step of the load fails and how to fix it.");
        GridData gd = new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1);
        gd.widthHint = 420;
        what.setLayoutData(gd);
        diagnose = new Button(shell, SWT.PUSH);
        diagnose.setText(DIAGNOSE);
        diagnose.addListener(SWT.Selection, e -> {
            shell.close();
            Diagnosis.start(failed);
        });
        Button later = new Button(shell, SWT.PUSH);
        later.setText("Not now");
        later.addListener(SWT.Selection, e -> shell.close());
        shell.setDefaultButton(diagnose);
        shell.pack();
    }

    /** The job's error on a few wrapped lines: CDT's "Error in final launch sequence:" alone says nothing. */
    static String shortMessage(String message) {
        String m = message == null ? "" : message.strip().replaceAll("\\s*\\n+\\s*", " / ");
        return m.length() <= 240 ? m : m.substring(0, 240) + " \u2026";
    }

    /** Opens in the bottom right corner of the parent (or the screen), without taking the focus away for long. */
    public void open() {
        Rectangle area = shell.getParent() != null ? shell.getParent().getBounds()
                : shell.getDisplay().getPrimaryMonitor().getClientArea();
        Rectangle size = shell.getBounds();
        shell.setLocation(area.x + area.width - size.width - 16, area.y + area.height - size.height - 16);
        shell.setVisible(true);
    }

    public Shell shell() {
        return shell;
    }

    public Button diagnoseButton() {
        return diagnose;
    }

    /**
     * Shows the offer on the UI thread, in the workbench window (never parented to whatever dialog is
     * active: closing the platform's error dialog must not take the offer with it).
     */
    public static void offer(FailedLaunch failed) {
        Display display = Display.getDefault();
        display.asyncExec(() -> new DiagnoseOffer(workbenchShell(), failed).open());
    }

    /** The workbench window's shell (the active one, else the first), or null for a top-level shell. */
    static Shell workbenchShell() {
        if (!PlatformUI.isWorkbenchRunning()) {
            return null;
        }
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (window == null && PlatformUI.getWorkbench().getWorkbenchWindowCount() > 0) {
            window = PlatformUI.getWorkbench().getWorkbenchWindows()[0];
        }
        return window == null ? null : window.getShell();
    }
}
