package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Diagnostic;
import com.stm32mp.prelaunch.model.Report;
import com.stm32mp.prelaunch.model.StepResult;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;
import org.eclipse.swt.widgets.TreeItem;

/** A tree of steps → diagnostics (→ observed, why, fix), shared by the Checks tab and the report dialog. */
public final class ReportTree {
    private final Tree tree;

    public ReportTree(Composite parent, int style) {
        tree = new Tree(parent, style | SWT.BORDER | SWT.FULL_SELECTION);
        tree.setHeaderVisible(true);
        String[] headers = {"Step / diagnostic", "Status", "Details"};
        int[] widths = {300, 70, 560};
        for (int i = 0; i < headers.length; i++) {
            TreeColumn c = new TreeColumn(tree, SWT.LEFT);
            c.setText(headers[i]);
            c.setWidth(widths[i]);
        }
    }

    public Tree control() {
        return tree;
    }

    public void show(Report report) {
        tree.removeAll();
        for (StepResult s : report.steps) {
            TreeItem step = new TreeItem(tree, SWT.NONE);
            Diagnostic head = s.headline();
            step.setText(new String[] {s.id + (s.title.isEmpty() || s.title.equals(s.id) ? "" : " \u2014 " + s.title),
                    s.status, head == null ? s.durationMs + " ms" : head.code + ": " + head.message});
            step.setForeground(1, color(s.status));
            s.observed.forEach((k, v) -> leaf(step, k, "", v));
            for (Diagnostic d : s.diagnostics) {
                TreeItem di = new TreeItem(step, SWT.NONE);
                di.setText(new String[] {d.code, d.severity, d.message});
                di.setForeground(1, color("info".equals(d.severity) ? "ok" : d.severity));
                d.observed.forEach((k, v) -> leaf(di, k, "", v));
                if (!d.why.isEmpty()) {
                    leaf(di, "why", "", d.why);
                }
                if (!d.fix.isEmpty()) {
                    leaf(di, "fix", "", d.fix);
                }
                if (!d.doc.isEmpty()) {
                    leaf(di, "doc", "", d.doc);
                }
            }
        }
        // Expand failed steps and their diagnostics (parents first: GTK ignores expanding a hidden item),
        // and select the first failing step so the eye lands on it.
        TreeItem first = null;
        for (TreeItem step : tree.getItems()) {
            if ("error".equals(step.getText(1)) || "crashed".equals(step.getText(1))) {
                step.setExpanded(true);
                for (TreeItem d : step.getItems()) {
                    d.setExpanded(d.getItemCount() > 0);
                }
                first = first == null ? step : first;
            }
        }
        if (first != null) {
            tree.setSelection(first);
        } else {
            tree.deselectAll();
        }
    }

    private static void leaf(TreeItem parent, String a, String b, String c) {
        new TreeItem(parent, SWT.NONE).setText(new String[] {a, b, c});
    }

    private Color color(String status) {
        switch (status) {
            case "ok":
                return tree.getDisplay().getSystemColor(SWT.COLOR_DARK_GREEN);
            case "warning":
                return tree.getDisplay().getSystemColor(SWT.COLOR_DARK_YELLOW);
            case "error":
            case "crashed":
                return tree.getDisplay().getSystemColor(SWT.COLOR_RED);
            default:
                return tree.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY);
        }
    }
}
