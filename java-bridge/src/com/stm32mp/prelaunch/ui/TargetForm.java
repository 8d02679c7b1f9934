package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Text;

/** Target tab: how to reach Linux on the board (host, port, user, authentication, host-key policy). */
public final class TargetForm extends AttributeForm {
    static final String[] AUTH = {"key", "agent", "password"};
    static final String[] POLICIES = {"strict", "accept-new"};

    private final Text host;
    private final Text port;
    private final Text user;
    private final Combo auth;
    private final Text identity;
    private final Text password;
    private final Text knownHosts;
    private final Combo policy;

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
        note("'strict' refuses unknown host keys; 'accept-new' records the key of a board seen for the first time.");
        auth.addModifyListener(e -> updateEnablement());
    }

    private void updateEnablement() {
        identity.setEnabled("key".equals(auth.getText()));
        password.setEnabled("password".equals(auth.getText()));
    }

    @Override
    protected void doLoad(Attributes a) {
        host.setText(a.get(LaunchKeys.HOST, ""));
        port.setText(Integer.toString(a.getInt(LaunchKeys.PORT, LaunchKeys.DEFAULT_PORT)));
        user.setText(a.get(LaunchKeys.USER, LaunchKeys.DEFAULT_USER));
        select(auth, a.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH));
        identity.setText(a.get(LaunchKeys.IDENTITY, ""));
        knownHosts.setText(a.get(LaunchKeys.KNOWN_HOSTS, ""));
        select(policy, a.get(LaunchKeys.HOST_KEY_POLICY, LaunchKeys.DEFAULT_HOST_KEY_POLICY));
        updateEnablement();
    }

    @Override
    public void save(Attributes a) {
        a.set(LaunchKeys.HOST, host.getText().trim());
        a.setInt(LaunchKeys.PORT, parsePort());
        a.set(LaunchKeys.USER, user.getText().trim());
        a.set(LaunchKeys.AUTH, auth.getText());
        a.set(LaunchKeys.IDENTITY, identity.getText().trim());
        a.set(LaunchKeys.KNOWN_HOSTS, knownHosts.getText().trim());
        a.set(LaunchKeys.HOST_KEY_POLICY, policy.getText());
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
        return null;
    }
}
