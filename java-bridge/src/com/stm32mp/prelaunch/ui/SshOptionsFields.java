package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Text;

/**
 * The SSH options both target forms offer (the Target tab and the one on ST's configuration): the user's own
 * OpenSSH client configuration (Host aliases, ProxyJump, ProxyCommand: how many people reach a board behind a lab
 * gateway) and the upload without SFTP. Their keys, request keys and defaults are the settings table's.
 */
final class SshOptionsFields {
    static final String CONFIG_TOOLTIP = "OpenSSH client configuration file, or 'default' for ~/.ssh/config: the board "
            + "address may then be a Host alias, reached through its ProxyJump/ProxyCommand. Empty: none is read.";
    static final String EXEC_UPLOAD_LABEL = "Upload over an exec channel when the board's SSH server has no SFTP";

    private final Text config;
    private final Button execUpload;

    SshOptionsFields(AttributeForm form) {
        config = form.text("SSH configuration:", CONFIG_TOOLTIP);
        execUpload = form.checkbox(EXEC_UPLOAD_LABEL, "Checked (the default): a board whose SSH server has no SFTP "
                + "subsystem (Dropbear without sftp-server) gets the image over an exec channel, with the same checks. "
                + "Unchecked: such a board fails with UPL011.");
    }

    void load(Attributes a) {
        config.setText(a.get(Setting.SSH_CONFIG.key, ""));
        execUpload.setSelection(!"false".equalsIgnoreCase(a.get(Setting.EXEC_UPLOAD.key, Setting.EXEC_UPLOAD.defaultValue)));
    }

    /** The upload without SFTP is written only when turned off (the request sends only what differs from the default). */
    void save(Attributes a) {
        a.set(Setting.SSH_CONFIG.key, config.getText().trim());
        a.set(Setting.EXEC_UPLOAD.key, execUpload.getSelection() ? null : "false");
    }

    /** An error for a configuration file that does not exist; null otherwise ('default' is OpenSSH's own files). */
    String validate() {
        String c = config.getText().trim();
        if (!c.equals("default") && AttributeForm.missingFile(c)) {
            return "SSH configuration " + c + " does not exist: give an OpenSSH client configuration file, 'default' "
                    + "for ~/.ssh/config, or nothing.";
        }
        return null;
    }
}
