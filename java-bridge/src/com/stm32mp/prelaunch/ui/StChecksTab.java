package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.LaunchConfigAttributes;
import com.stm32mp.prelaunch.core.PreLaunchDelegate;
import com.stm32mp.prelaunch.core.SecretStore;
import com.stm32mp.prelaunch.core.StAttributes;
import com.stm32mp.prelaunch.core.StConfigs;
import com.stm32mp.prelaunch.core.StDelegates;
import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import java.util.Map;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.equinox.security.storage.StorageException;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

/**
 * Our tab in STM32CubeIDE's own dialog ({@link StTabContribution}): the opt-in ("check before
 * loading": our delegate becomes this configuration's launcher), the checks' extra settings, and
 * "Run checks now" with the inline report and its quick fix, which writes the console port into this
 * configuration's serialDeviceLoader. A configuration that does not load through Linux is never
 * written to: the tab only says the checks do not apply.
 */
public final class StChecksTab extends AbstractLaunchConfigurationTab {
    public static final String OPT_IN_TEXT = "Check before STM32CubeIDE loads the firmware (stm32mp-prelaunch)";
    /** Written only when they differ (the host-key policy's default choice is already "unset"). */
    private static final Map<String, String> DEFAULTS = Map.of(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH,
            Setting.REMOTEPROC.key, Setting.REMOTEPROC.defaultValue);

    private Button optIn;
    private Label applies;
    private StSettingsForm settings;
    private ChecksForm checks;
    private boolean productionMode;
    /** The working copy the dialog edits: "Run checks now" and the quick fix act on it. */
    private ILaunchConfigurationWorkingCopy current;

    @Override
    public void createControl(Composite parent) {
        Composite top = new Composite(parent, SWT.NONE);
        top.setLayout(new GridLayout(1, false));
        optIn = new Button(top, SWT.CHECK);
        optIn.setText(OPT_IN_TEXT);
        optIn.addListener(SWT.Selection, e -> changed());
        applies = new Label(top, SWT.WRAP);
        GridData note = new GridData(SWT.FILL, SWT.CENTER, true, false);
        note.widthHint = 560;
        applies.setLayoutData(note);
        settings = new StSettingsForm(top);
        settings.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        settings.addChangeListener(this::changed);
        checks = new ChecksForm(top, () -> PreLaunchDelegate.runRequest(StConfigs.predictionRequest(current),
                new NullProgressMonitor()), this::applyPort);
        checks.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        setControl(top);
    }

    private void changed() {
        setDirty(true);
        updateLaunchConfigurationDialog();
    }

    private void applyPort(String port) {
        if (current != null) {
            new StAttributes(current).set(Setting.SERIAL.key, port);
            showStSettings(current);
            updateLaunchConfigurationDialog();
        }
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        // Nothing: a new STM32CubeIDE configuration gets none of our attributes until the user sets one.
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        productionMode = StConfigs.isProductionMode(configuration);
        // Enable first: loading the settings then enables the key or password field by the authentication.
        for (var c : new org.eclipse.swt.widgets.Control[] {optIn, settings, checks}) {
            setEnabledTree(c, productionMode);
        }
        optIn.setSelection(productionMode && StDelegates.isOptedIn(configuration));
        settings.load(new LaunchConfigAttributes(configuration));
        settings.setPassword("");
        if (productionMode && "password".equals(settings.authentication())) {
            try {
                settings.setPassword(SecretStore.platformDefault().password(configuration.getName()));
            } catch (StorageException e) {
                setErrorMessage("Secure storage is not available: " + e.getMessage());
            }
        }
        showStSettings(configuration);
        applies.setText(productionMode
                ? "The checks change nothing on the board: STM32CubeIDE still copies and starts the firmware itself."
                : "This configuration does not load the firmware through Linux (production mode, \"thru Linux core\"): "
                        + "the STM32MP2 checks do not apply to it.");
    }

    private void showStSettings(ILaunchConfiguration configuration) {
        StAttributes st = new StAttributes(configuration);
        settings.showStSettings(st.get(Setting.SERIAL.key, ""), st.get(Setting.HOST.key, ""), st.program());
    }

    private static void setEnabledTree(org.eclipse.swt.widgets.Control c, boolean enabled) {
        c.setEnabled(enabled);
        if (c instanceof Composite) {
            for (var child : ((Composite) c).getChildren()) {
                setEnabledTree(child, enabled);
            }
        }
    }

    @Override
    public void activated(ILaunchConfigurationWorkingCopy workingCopy) {
        current = workingCopy;
        super.activated(workingCopy);
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        current = configuration;
        if (!productionMode) {
            return;  // never write into a configuration the checks do not apply to
        }
        StDelegates.setOptedIn(configuration, optIn.getSelection());
        settings.save(omittingDefaults(new LaunchConfigAttributes(configuration)));
        if ("password".equals(settings.authentication()) && !settings.password().isEmpty()) {
            try {
                SecretStore.platformDefault().setPassword(configuration.getName(), settings.password());
            } catch (StorageException e) {
                setErrorMessage("The password could not be stored in secure storage: " + e.getMessage());
            }
        }
    }

    /** Defaults are not written: opening and applying a configuration leaves ST's file as it was. */
    private static Attributes omittingDefaults(Attributes a) {
        return new Attributes() {
            @Override
            public String get(String key, String defaultValue) {
                return a.get(key, defaultValue);
            }

            @Override
            public int getInt(String key, int defaultValue) {
                return a.getInt(key, defaultValue);
            }

            @Override
            public void set(String key, String value) {
                a.set(key, value == null || value.equals(DEFAULTS.get(key)) ? null : value);
            }

            @Override
            public void setInt(String key, int value) {
                a.setInt(key, value);
            }
        };
    }

    @Override
    public boolean isValid(ILaunchConfiguration configuration) {
        String error = productionMode ? settings.validate() : null;
        setErrorMessage(error);
        return error == null;
    }

    @Override
    public String getName() {
        return StTabContribution.TAB_NAME;
    }

    @Override
    public String getId() {
        return StTabContribution.TAB_ID;
    }

    public Button optInButton() {
        return optIn;
    }

    public ChecksForm checksForm() {
        return checks;
    }
}
