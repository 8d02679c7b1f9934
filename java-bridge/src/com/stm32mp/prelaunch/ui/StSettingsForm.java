package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * The checks' own settings inside an STM32CubeIDE configuration: what ST's configuration does not
 * hold (how to log in over SSH, the host-key policy, the expected ST-LINK, the image key, the
 * remoteproc name). The console port, the board address and the image are ST's own settings, shown
 * read-only: the checks use them as they are.
 */
public final class StSettingsForm extends AttributeForm {
    private final Label serial;
    private final Label host;
    private final Label program;
    private final Combo auth;
    private final Text identity;
    private final Text password;
    private final Text knownHosts;
    private final Combo policy;
    private final Text probeSerial;
    private final Text imageKey;
    private final Text remoteproc;
    private final SshOptionsFields sshOptions;

    public StSettingsForm(Composite parent) {
        super(parent);
        serial = info("Console port:");
        host = info("Board address:");
        program = info("Image:");
        auth = combo("SSH authentication:", true, TargetForm.AUTH);
        Button[] browse = new Button[1];
        identity = textWithButton("Private key:", "Private key file for 'key' authentication (empty: ~/.ssh defaults)",
                "Browse\u2026", browse);
        browse[0].addListener(SWT.Selection, e -> {
            String f = new FileDialog(getShell()).open();
            if (f != null) {
                identity.setText(f);
            }
        });
        password = password("Password:", "Kept in Eclipse secure storage, never in the launch file");
        knownHosts = text("known_hosts:", "OpenSSH known_hosts file used to verify the board's host key");
        policy = combo("Host key policy:", true, TargetForm.POLICIES);
        note(TargetForm.POLICY_NOTE);
        sshOptions = new SshOptionsFields(this);
        probeSerial = text("ST-LINK serial:", "Serial number of the board's ST-LINK (empty: any)");
        imageKey = text("Image public key:", "Public key to check the signed image's signature (optional)");
        remoteproc = text("remoteproc name:", "Name in /sys/class/remoteproc/*/name of the Cortex-M33 (usually m33)");
        note("Console port, board address and image are this configuration's own settings (Debugger and Main tabs).");
        auth.addModifyListener(e -> updateEnablement());
    }

    private void updateEnablement() {
        identity.setEnabled("key".equals(auth.getText()));
        password.setEnabled("password".equals(auth.getText()));
    }

    /** Shows ST's own settings the checks use (serialDeviceLoader, inetAddrLoader, the resolved program). */
    public void showStSettings(String serialDevice, String address, String image) {
        serial.setText(orUnset(serialDevice));
        host.setText(orUnset(address));
        program.setText(orUnset(image));
    }

    private static String orUnset(String v) {
        return v == null || v.isEmpty() ? "(not set)" : v;
    }

    @Override
    protected void doLoad(Attributes a) {
        select(auth, a.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH));
        identity.setText(a.get(Setting.IDENTITY.key, ""));
        knownHosts.setText(a.get(Setting.KNOWN_HOSTS.key, ""));
        select(policy, a.get(Setting.HOST_KEY_POLICY.key, TargetForm.POLICY_DEFAULT));
        probeSerial.setText(a.get(Setting.PROBE_SERIAL.key, ""));
        imageKey.setText(a.get(Setting.IMAGE_KEY.key, ""));
        remoteproc.setText(a.get(Setting.REMOTEPROC.key, Setting.REMOTEPROC.defaultValue));
        sshOptions.load(a);
        updateEnablement();
    }

    @Override
    public void save(Attributes a) {
        a.set(LaunchKeys.AUTH, auth.getText());
        a.set(Setting.IDENTITY.key, identity.getText().trim());
        a.set(Setting.KNOWN_HOSTS.key, knownHosts.getText().trim());
        a.set(Setting.HOST_KEY_POLICY.key, TargetForm.policyAttribute(policy));
        a.set(Setting.PROBE_SERIAL.key, probeSerial.getText().trim());
        a.set(Setting.IMAGE_KEY.key, imageKey.getText().trim());
        a.set(Setting.REMOTEPROC.key, remoteproc.getText().trim());
        sshOptions.save(a);
    }

    public String password() {
        return password.getText();
    }

    public void setPassword(String value) {
        password.setText(value == null ? "" : value);
    }

    public String authentication() {
        return auth.getText();
    }

    @Override
    public String validate() {
        if ("key".equals(auth.getText()) && missingFile(identity.getText())) {
            return "Private key file " + identity.getText().trim() + " does not exist.";
        }
        for (Text t : new Text[] {knownHosts, imageKey}) {
            if (missingFile(t.getText())) {
                return "File " + t.getText().trim() + " does not exist.";
            }
        }
        if (remoteproc.getText().isBlank()) {
            return "remoteproc name is empty (usually m33).";
        }
        return sshOptions.validate();
    }
}
