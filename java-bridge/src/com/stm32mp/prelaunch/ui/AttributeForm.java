package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * Base of the plain-SWT forms behind the launch tabs. A form only knows SWT and {@link Attributes},
 * so it can be rendered and tested without a workbench; the tab classes are thin adapters.
 */
public abstract class AttributeForm extends Composite {
    private final List<Runnable> listeners = new ArrayList<>();
    /** Set while load() fills the widgets, so programmatic changes do not mark the tab dirty. */
    private boolean loading;

    protected AttributeForm(Composite parent) {
        super(parent, SWT.NONE);
        setLayout(new GridLayout(3, false));
    }

    /** Fills the widgets from the attributes. */
    public final void load(Attributes a) {
        loading = true;
        try {
            doLoad(a);
        } finally {
            loading = false;
        }
    }

    /** Writes the widgets into the attributes. */
    public abstract void save(Attributes a);

    /** An error message for the dialog, or null when the input is usable. */
    public abstract String validate();

    protected abstract void doLoad(Attributes a);

    public void addChangeListener(Runnable r) {
        listeners.add(r);
    }

    protected void changed() {
        if (!loading) {
            listeners.forEach(Runnable::run);
        }
    }

    protected Text text(String label, String tooltip) {
        new Label(this, SWT.NONE).setText(label);
        Text t = new Text(this, SWT.BORDER | SWT.SINGLE);
        t.setToolTipText(tooltip);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        t.addModifyListener(e -> changed());
        return t;
    }

    protected Text password(String label, String tooltip) {
        new Label(this, SWT.NONE).setText(label);
        Text t = new Text(this, SWT.BORDER | SWT.SINGLE | SWT.PASSWORD);
        t.setToolTipText(tooltip);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        t.addModifyListener(e -> changed());
        return t;
    }

    protected Combo combo(String label, boolean readOnly, String... items) {
        new Label(this, SWT.NONE).setText(label);
        Combo c = new Combo(this, readOnly ? SWT.READ_ONLY | SWT.DROP_DOWN : SWT.DROP_DOWN);
        c.setItems(items);
        c.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        c.addModifyListener(e -> changed());
        return c;
    }

    /** A text with a trailing button (Browse…, Refresh); the button is returned through the array. */
    protected Text textWithButton(String label, String tooltip, String buttonText, Button[] button) {
        new Label(this, SWT.NONE).setText(label);
        Text t = new Text(this, SWT.BORDER | SWT.SINGLE);
        t.setToolTipText(tooltip);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        t.addModifyListener(e -> changed());
        button[0] = new Button(this, SWT.PUSH);
        button[0].setText(buttonText);
        return t;
    }

    /** A check box spanning the value columns (its text is its label). */
    protected Button checkbox(String label, String tooltip) {
        new Label(this, SWT.NONE);
        Button b = new Button(this, SWT.CHECK);
        b.setText(label);
        b.setToolTipText(tooltip);
        b.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        b.addListener(SWT.Selection, e -> changed());
        return b;
    }

    protected Label info(String label) {
        new Label(this, SWT.NONE).setText(label);
        Label value = new Label(this, SWT.NONE);
        value.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        return value;
    }

    protected void note(String text) {
        Label l = new Label(this, SWT.WRAP);
        l.setText(text);
        GridData gd = new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1);
        gd.widthHint = 420;
        l.setLayoutData(gd);
    }

    /** Selects item in a read-only combo, or the first item when absent. */
    protected static void select(Combo c, String item) {
        int i = c.indexOf(item);
        c.select(Math.max(0, i));
    }

    /** True for a path that has no unresolved variable and does not exist. */
    protected static boolean missingFile(String path) {
        return !path.isBlank() && !path.contains("${") && !new java.io.File(path.trim()).isFile();
    }
}
