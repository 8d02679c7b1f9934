package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.LaunchConfigAttributes;
import java.util.function.Function;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.swt.widgets.Composite;

/** A launch tab that is only an adapter: the form does the work over {@link LaunchConfigAttributes}. */
public class FormTab extends AbstractLaunchConfigurationTab {
    private final String name;
    private final Function<Composite, AttributeForm> factory;
    protected AttributeForm form;
    /** The working copy the dialog edits (for tabs that act on it, such as Checks). */
    protected ILaunchConfigurationWorkingCopy current;

    public FormTab(String name, Function<Composite, AttributeForm> factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public void createControl(Composite parent) {
        form = factory.apply(parent);
        form.addChangeListener(() -> {
            setDirty(true);
            updateLaunchConfigurationDialog();
        });
        setControl(form);
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        // Defaults live in the settings table (Setting) and are applied when a form loads an empty configuration.
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        form.load(new LaunchConfigAttributes(configuration));
    }

    @Override
    public void activated(ILaunchConfigurationWorkingCopy workingCopy) {
        current = workingCopy;
        super.activated(workingCopy);
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        current = configuration;
        form.save(new LaunchConfigAttributes(configuration));
    }

    @Override
    public boolean isValid(ILaunchConfiguration configuration) {
        String error = form.validate();
        setErrorMessage(error);
        return error == null;
    }

    @Override
    public String getName() {
        return name;
    }

    /** Shows an error in the dialog's message area (for actions outside validation). */
    public void showError(String message) {
        setErrorMessage(message);
        updateLaunchConfigurationDialog();
    }

    public AttributeForm form() {
        return form;
    }
}
