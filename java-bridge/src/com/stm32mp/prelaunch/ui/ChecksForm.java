package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.Report;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

/**
 * Checks tab: run the steps now (on a background thread; the UI thread only shows the result) and
 * see the report inline, with the serial-port quick fix when the engine names the right port.
 */
public final class ChecksForm extends AttributeForm {
    private final Button run;
    private final Label summary;
    private final ReportTree tree;
    private final Button quickFix;
    private final Callable<Report> runner;
    private final Consumer<String> applyPort;
    private String suggested;

    /**
     * @param runner runs the checks with the current settings (called off the UI thread)
     * @param applyPort the quick fix: writes a serial port into our and the ST configuration
     */
    public ChecksForm(Composite parent, Callable<Report> runner, Consumer<String> applyPort) {
        super(parent);
        this.runner = runner;
        this.applyPort = applyPort;
        run = new Button(this, SWT.PUSH);
        run.setText("Run checks now");
        summary = new Label(this, SWT.WRAP);
        summary.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        summary.setText("Runs the same steps as a launch, with the settings as applied.");
        tree = new ReportTree(this, SWT.NONE);
        GridData gd = new GridData(SWT.FILL, SWT.FILL, true, true, 3, 1);
        gd.heightHint = 260;
        tree.control().setLayoutData(gd);
        quickFix = new Button(this, SWT.PUSH);
        quickFix.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 3, 1));
        quickFix.setVisible(false);
        quickFix.addListener(SWT.Selection, e -> {
            if (suggested != null) {
                applyPort.accept(suggested);
                quickFix.setEnabled(false);
                quickFix.setText("Console port set to " + suggested);
            }
        });
        run.addListener(SWT.Selection, e -> runInBackground());
    }

    private void runInBackground() {
        run.setEnabled(false);
        summary.setText("Running\u2026");
        Thread worker = new Thread(() -> {
            Report report = null;
            String error = null;
            try {
                report = runner.call();
            } catch (Exception e) {
                error = e.getMessage();
            }
            Report r = report;
            String err = error;
            if (!isDisposed()) {
                getDisplay().asyncExec(() -> {
                    if (isDisposed()) {
                        return;
                    }
                    run.setEnabled(true);
                    if (r != null) {
                        showReport(r);
                    } else {
                        summary.setText("The checks could not run: " + err);
                    }
                });
            }
        }, "stm32mp pre-launch checks");
        worker.setDaemon(true);
        worker.start();
    }

    /** Shows a finished report (also used by tests and screenshots). */
    public void showReport(Report report) {
        long failed = report.steps.stream().filter(s -> s.failed()).count();
        summary.setText(report.ok ? "All " + report.steps.size() + " steps passed."
                : failed + " of " + report.steps.size() + " steps failed.");
        tree.show(report);
        suggested = report.suggestedSerialPort().orElse(null);
        quickFix.setVisible(suggested != null);
        if (suggested != null) {
            quickFix.setEnabled(true);
            quickFix.setText("Quick fix: use " + suggested + " as console port (here and in the STM32CubeIDE configuration)");
        }
        layout(true, true);
    }

    @Override
    protected void doLoad(Attributes a) {
        // Nothing stored: the tab shows results only.
    }

    @Override
    public void save(Attributes a) {
        // Nothing stored.
    }

    @Override
    public String validate() {
        return null;
    }
}
