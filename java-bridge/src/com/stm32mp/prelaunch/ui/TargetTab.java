package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.LaunchConfigAttributes;
import com.stm32mp.prelaunch.core.SecretStore;
import com.stm32mp.prelaunch.model.LaunchKeys;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.equinox.security.storage.StorageException;

/** Target tab: the form plus the password round trip through Eclipse secure storage. */
public final class TargetTab extends FormTab {
    public TargetTab() {
        super("Target", TargetForm::new);
    }

    private TargetForm target() {
        return (TargetForm) form;
    }

    // Secure storage is touched only for password authentication: opening it may ask the user for the
    // master password, which must not happen just because the dialog shows a key-based configuration.

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        super.initializeFrom(configuration);
        target().setPassword("");
        if (usesPassword(configuration)) {
            try {
                target().setPassword(SecretStore.platformDefault().password(configuration.getName()));
            } catch (StorageException e) {
                setErrorMessage("Secure storage is not available: " + e.getMessage());
            }
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        super.performApply(configuration);
        if (usesPassword(configuration) && !target().password().isEmpty()) {
            try {
                SecretStore.platformDefault().setPassword(configuration.getName(), target().password());
            } catch (StorageException e) {
                setErrorMessage("The password could not be stored in secure storage: " + e.getMessage());
            }
        }
    }

    private static boolean usesPassword(ILaunchConfiguration configuration) {
        return "password".equals(new LaunchConfigAttributes(configuration).get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH));
    }
}
