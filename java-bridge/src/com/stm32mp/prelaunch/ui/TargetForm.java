package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Text;

/**
 * Target tab: how to reach Linux on the board (host, port, user, authentication, host-key policy, the user's SSH
 * configuration, the upload without SFTP).
 */
public final class TargetForm extends AttributeForm {
    static final String[] AUTH = {"key", "agent", "password"};
    /**
     * The host-key policy's first choice leaves the attribute unset, so the engine's default applies: strict, or
     * with an SSH configuration its StrictHostKeyChecking (accept-new), as from the CLI. "strict" chosen
     * explicitly is written and wins over the SSH configuration.
     */
    static final String POLICY_DEFAULT = "default (strict, or the SSH configuration's StrictHostKeyChecking)";
    static final String[] POLICIES = {POLICY_DEFAULT, "strict", "accept-new"};
    static final String POLICY_NOTE = "'strict' refuses unknown host keys; 'accept-new' records the key of a board seen "
            + "for the first time. By default: strict, unless the SSH configuration says StrictHostKeyChecking accept-new.";

    private final Text host;
    private final Text port;
    private final Text user;
    private final Combo auth;
    private final Text identity;
    private final Text password;
    private final Text knownHosts;
    private final Combo policy;
    private final SshOptionsFields sshOptions;

    public TargetForm(Composite parent) {
        super(parent);
        host = text("Board address:", "IP address or host name of Linux on the STM32MP2 (e.g. 192.168.7.1 over USB)");
        port = text("SSH port:", "TCP port of the board's SSH server");
        user = text("User:", "Linux user that may write /lib/firmware and the remoteproc sysfs files");
        auth = combo("Authentication:", true, AUTH);
        Button[] browse = new Button[1];
        identity = textWithButton("Private key:", "Private key file for 'key' authentication", "Browse\u2026", browse);
        browse[0].addListener(org.eclipse.swt.SWT.Selection, e -> {
            String f = new FileDialog(getShell()).open();
            if (f != null) {
                identity.setText(f);
            }
        });
        password = password("Password:", "Kept in Eclipse secure storage, never in the launch file");
        knownHosts = text("known_hosts:", "OpenSSH known_hosts file used to verify the board's host key");
        policy = combo("Host key policy:", true, POLICIES);
        note(POLICY_NOTE);
        sshOptions = new SshOptionsFields(this);
        auth.addModifyListener(e -> updateEnablement());
    }

    private void updateEnablement() {
        identity.setEnabled("key".equals(auth.getText()));
        password.setEnabled("password".equals(auth.getText()));
    }

    @Override
    protected void doLoad(Attributes a) {
        host.setText(a.get(Setting.HOST.key, ""));
        port.setText(Integer.toString(a.getInt(Setting.PORT.key, Setting.PORT.defaultInt())));
        user.setText(a.get(Setting.USER.key, Setting.USER.defaultValue));
        select(auth, a.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH));
        identity.setText(a.get(Setting.IDENTITY.key, ""));
        knownHosts.setText(a.get(Setting.KNOWN_HOSTS.key, ""));
        select(policy, a.get(Setting.HOST_KEY_POLICY.key, POLICY_DEFAULT));
        sshOptions.load(a);
        updateEnablement();
    }

    @Override
    public void save(Attributes a) {
        a.set(Setting.HOST.key, host.getText().trim());
        a.setInt(Setting.PORT.key, parsePort());
        a.set(Setting.USER.key, user.getText().trim());
        a.set(LaunchKeys.AUTH, auth.getText());
        a.set(Setting.IDENTITY.key, identity.getText().trim());
        a.set(Setting.KNOWN_HOSTS.key, knownHosts.getText().trim());
        a.set(Setting.HOST_KEY_POLICY.key, policyAttribute(policy));
        sshOptions.save(a);
    }

    /** The policy's attribute value: null (unset) for the default choice. */
    static String policyAttribute(Combo policy) {
        return policy.getSelectionIndex() <= 0 ? null : policy.getText();
    }

    /** The password typed in this form (stored by the tab in secure storage, never in attributes). */
    public String password() {
        return password.getText();
    }

    public void setPassword(String value) {
        password.setText(value == null ? "" : value);
    }

    private int parsePort() {
        try {
            return Integer.parseInt(port.getText().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String validate() {
        if (host.getText().isBlank()) {
            return "Board address is empty: enter the IP address of Linux on the board (e.g. 192.168.7.1).";
        }
        if (host.getText().trim().contains(" ")) {
            return "Board address must not contain spaces.";
        }
        int p = parsePort();
        if (p < 1 || p > 65535) {
            return "SSH port must be a number from 1 to 65535.";
        }
        if (user.getText().isBlank()) {
            return "User is empty: enter the Linux user (usually root).";
        }
        if ("key".equals(auth.getText()) && missingFile(identity.getText())) {
            return "Private key file " + identity.getText().trim() + " does not exist.";
        }
        if (missingFile(knownHosts.getText())) {
            return "known_hosts file " + knownHosts.getText().trim() + " does not exist.";
        }
        return sshOptions.validate();
    }
}
