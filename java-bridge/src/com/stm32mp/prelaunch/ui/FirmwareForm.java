package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.Setting;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Text;

/** Firmware tab: the signed image to load, the ELF for symbols, the signature key, the remoteproc name. */
public final class FirmwareForm extends AttributeForm {
    private final Text image;
    private final Text elf;
    private final Text key;
    private final Text remoteproc;

    public FirmwareForm(Composite parent) {
        super(parent);
        image = file("Image to load:", "Signed image (e.g. ${workspace_loc:/P/CA35TDCID_m33_sign/P_sign.bin}); Eclipse variables allowed");
        elf = file("ELF (symbols):", "The ELF the debugger loads symbols from");
        key = file("Public key:", "Public key to check the image signature (optional)");
        remoteproc = text("remoteproc name:", "Name in /sys/class/remoteproc/*/name of the Cortex-M33 (usually m33)");
        note("Paths may use Eclipse variables such as ${workspace_loc} and ${project_loc}.");
    }

    private Text file(String label, String tooltip) {
        Button[] browse = new Button[1];
        Text t = textWithButton(label, tooltip, "Browse\u2026", browse);
        browse[0].addListener(SWT.Selection, e -> {
            String f = new FileDialog(getShell()).open();
            if (f != null) {
                t.setText(f);
            }
        });
        return t;
    }

    @Override
    protected void doLoad(Attributes a) {
        image.setText(a.get(Setting.SIGNED_IMAGE.key, ""));
        elf.setText(a.get(Setting.ELF.key, ""));
        key.setText(a.get(Setting.IMAGE_KEY.key, ""));
        remoteproc.setText(a.get(Setting.REMOTEPROC.key, Setting.REMOTEPROC.defaultValue));
    }

    @Override
    public void save(Attributes a) {
        a.set(Setting.SIGNED_IMAGE.key, image.getText().trim());
        a.set(Setting.ELF.key, elf.getText().trim());
        a.set(Setting.IMAGE_KEY.key, key.getText().trim());
        a.set(Setting.REMOTEPROC.key, remoteproc.getText().trim());
    }

    @Override
    public String validate() {
        if (image.getText().isBlank() && elf.getText().isBlank()) {
            return "Give the image to load (the signed .bin on STM32MP25) or at least the ELF.";
        }
        for (Text t : new Text[] {image, elf, key}) {
            if (missingFile(t.getText())) {
                return "File " + t.getText().trim() + " does not exist.";
            }
        }
        if (remoteproc.getText().isBlank()) {
            return "remoteproc name is empty (usually m33).";
        }
        return null;
    }
}
