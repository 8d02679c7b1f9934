package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.StepResult;
import java.util.function.Consumer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

/**
 * The failure report: every step with its diagnostics and fixes, and the one-click serial-port fix.
 * Plain SWT (no JFace) so it renders the same in the IDE and in the screenshot test.
 */
public final class ReportDialog {
    private final Shell shell;
    private final Button close;

    public ReportDialog(Shell parent, String configName, Report report, Consumer<String> applyPort) {
        shell = new Shell(parent, SWT.DIALOG_TRIM | SWT.RESIZE | SWT.APPLICATION_MODAL);
        shell.setText("Pre-launch checks failed \u2014 " + configName);
        shell.setLayout(new GridLayout(2, false));
        Label summary = new Label(shell, SWT.WRAP);
        StepResult first = report.steps.stream().filter(StepResult::failed).findFirst().orElse(null);
        summary.setText("The debug session was not started. "
                + (first == null ? "" : "First failing step: " + first.id + ". ")
                + "Each step below shows what was observed and how to fix it.");
        summary.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        ReportTree tree = new ReportTree(shell, SWT.NONE);
        GridData gd = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
        gd.heightHint = 340;
        gd.widthHint = 820;
        tree.control().setLayoutData(gd);
        tree.show(report);
        String port = report.suggestedSerialPort().orElse(null);
        Button fix = new Button(shell, SWT.PUSH);
        fix.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, true, false));
        if (port != null && applyPort != null) {
            fix.setText("Use " + port + " as console port (here and in the STM32CubeIDE configuration)");
            fix.addListener(SWT.Selection, e -> {
                applyPort.accept(port);
                fix.setEnabled(false);
                fix.setText("Console port set to " + port + ": launch again");
            });
        } else {
            fix.setVisible(false);
        }
        close = new Button(shell, SWT.PUSH);
        close.setText("Close");
        close.setLayoutData(new GridData(SWT.RIGHT, SWT.CENTER, false, false));
        close.addListener(SWT.Selection, e -> shell.close());
        shell.setDefaultButton(close);
        shell.pack();
    }

    public Shell shell() {
        return shell;
    }

    /** Opens the dialog without waiting (focus on Close, so no tree row looks selected). */
    public void open() {
        shell.open();
        close.setFocus();
    }

    /** Opens the dialog and runs the event loop until it is closed. */
    public void openBlocking() {
        open();
        while (!shell.isDisposed()) {
            if (!shell.getDisplay().readAndDispatch()) {
                shell.getDisplay().sleep();
            }
        }
    }
}
