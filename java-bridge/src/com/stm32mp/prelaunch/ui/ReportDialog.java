package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.ReportText;
import com.stm32mp.prelaunch.model.Diagnostic;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.StepResult;
import java.util.function.Consumer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Link;
import org.eclipse.swt.widgets.Shell;

/**
 * The failure report, readable in five seconds: the first failing step's message and fix in full
 * (wrapped, never cut at a column edge) with its quick fix beside it, a link that unfolds why the
 * code happens and where its page is, and the other steps folded below. Plain SWT (no JFace) so it
 * renders the same in the IDE and in the screenshot tests.
 */
public final class ReportDialog {
    private static final int TEXT_WIDTH = 720;

    private final Shell shell;
    private final Button close;
    private final Button fix;
    private final Label why;
    private final Button toggle;
    private final ReportTree tree;

    public ReportDialog(Shell parent, String configName, Report report, Consumer<String> applyPort) {
        shell = new Shell(parent, SWT.DIALOG_TRIM | SWT.RESIZE | SWT.APPLICATION_MODAL);
        shell.setText((report.ok ? "Pre-launch checks passed \u2014 " : "Pre-launch checks failed \u2014 ") + configName);
        shell.setLayout(new GridLayout(2, false));
        StepResult first = ReportText.firstFailure(report);
        Diagnostic head = first == null ? null : first.headline();

        Label title = wrapped(shell, ReportText.leadTitle(report), 2);
        Font bold = boldOf(title);
        title.setFont(bold);
        shell.addListener(SWT.Dispose, e -> bold.dispose());
        wrapped(shell, head == null ? "" : head.message, 2);
        Label fixText = wrapped(shell, head == null || head.fix.isEmpty() ? "" : "Fix: " + head.fix, 1);
        fixText.setForeground(shell.getDisplay().getSystemColor(SWT.COLOR_DARK_BLUE));

        fix = new Button(shell, SWT.PUSH);
        fix.setLayoutData(new GridData(SWT.RIGHT, SWT.TOP, false, false));
        String port = report.suggestedSerialPort().orElse(null);
        if (port != null && applyPort != null) {
            fix.setText("Use " + port);
            fix.setToolTipText("Writes " + port + " into the STM32CubeIDE configuration's serial device");
            fix.addListener(SWT.Selection, e -> {
                applyPort.accept(port);
                fix.setEnabled(false);
                fix.setText(port + " set: debug again");
                shell.layout(true, true);
            });
        } else {
            hide(fix);
        }

        Link code = new Link(shell, SWT.NONE);
        code.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 2, 1));
        why = wrapped(shell, head == null ? "" : "Why: " + head.why + "\nPage: " + head.doc
                + " (or run: stm32mp-prelaunch explain " + head.code + ")", 2);
        hide(why);
        if (head != null) {
            code.setText("<a>" + head.code + ": why this happens</a>");
            code.addListener(SWT.Selection, e -> show(why, !visible(why)));
        } else {
            hide(code);
        }

        long others = report.steps.size() - (first == null ? 0 : 1);
        toggle = new Button(shell, SWT.PUSH);
        toggle.setText("\u25b8 All " + report.steps.size() + " steps (" + ReportText.counts(report) + ")");
        toggle.setLayoutData(new GridData(SWT.LEFT, SWT.CENTER, false, false, 2, 1));
        tree = new ReportTree(shell, SWT.NONE);
        GridData gd = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
        gd.heightHint = 300;
        gd.widthHint = TEXT_WIDTH;
        tree.control().setLayoutData(gd);
        tree.show(report);
        hide(tree.control());
        toggle.addListener(SWT.Selection, e -> {
            boolean open = !visible(tree.control());
            show(tree.control(), open);
            toggle.setText((open ? "\u25be" : "\u25b8") + toggle.getText().substring(1));
        });
        toggle.setEnabled(others > 0);

        close = new Button(shell, SWT.PUSH);
        close.setText("Close");
        close.setLayoutData(new GridData(SWT.RIGHT, SWT.CENTER, true, false, 2, 1));
        close.addListener(SWT.Selection, e -> shell.close());
        shell.setDefaultButton(close);
        shell.pack();
    }

    private static Label wrapped(Composite parent, String text, int span) {
        Label l = new Label(parent, SWT.WRAP);
        l.setText(text);
        GridData gd = new GridData(SWT.FILL, SWT.TOP, true, false, span, 1);
        gd.widthHint = span == 2 ? TEXT_WIDTH : TEXT_WIDTH - 160;
        l.setLayoutData(gd);
        return l;
    }

    private static Font boldOf(Control c) {
        FontData[] data = c.getFont().getFontData();
        for (FontData d : data) {
            d.setStyle(SWT.BOLD);
            d.setHeight(d.getHeight() + 1);
        }
        return new Font(c.getDisplay(), data);
    }

    private static void hide(Control c) {
        c.setVisible(false);
        ((GridData) c.getLayoutData()).exclude = true;
    }

    private static boolean visible(Control c) {
        return !((GridData) c.getLayoutData()).exclude;
    }

    private void show(Control c, boolean on) {
        c.setVisible(on);
        ((GridData) c.getLayoutData()).exclude = !on;
        shell.pack();
        shell.layout(true, true);
    }

    public Shell shell() {
        return shell;
    }

    /** The quick-fix button (hidden when the report suggests no port). */
    public Button quickFix() {
        return fix;
    }

    /** Unfolds the other steps (the screenshot tests show both states). */
    public void unfoldSteps() {
        if (!visible(tree.control())) {
            toggle.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
        }
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
