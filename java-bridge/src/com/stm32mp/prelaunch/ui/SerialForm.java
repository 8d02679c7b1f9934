package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.Setting;
import java.util.List;
import java.util.function.Function;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * Serial tab: the board console port, picked from the engine's device enumeration (Refresh asks
 * again), and the expected ST-LINK probe serial.
 */
public final class SerialForm extends AttributeForm {
    private final Combo port;
    private final Label details;
    private final Text probeSerial;
    private final Function<String, String> enumerate;
    private List<SerialDevice> devices = List.of();
    private String devRoot = "";
    private String sysfsRoot = "";

    /** @param enumerate request JSON → devices JSON (the bridge in the IDE, a fixed answer in tests) */
    public SerialForm(Composite parent, Function<String, String> enumerate) {
        super(parent);
        this.enumerate = enumerate;
        new Label(this, SWT.NONE).setText("Console port:");
        port = new Combo(this, SWT.DROP_DOWN);
        port.setLayoutData(new org.eclipse.swt.layout.GridData(SWT.FILL, SWT.CENTER, true, false));
        port.addModifyListener(e -> {
            showDetails();
            changed();
        });
        Button refresh = new Button(this, SWT.PUSH);
        refresh.setText("Refresh");
        refresh.addListener(SWT.Selection, e -> refresh());
        details = info("Device:");
        probeSerial = text("ST-LINK serial:", "Serial number of the board's ST-LINK (empty: any)");
        note("The console port is the ST-LINK virtual COM port of the board (STM32CubeIDE's 'serialDeviceLoader');"
                + " the checks verify Linux answers on it.");
    }

    /** Asks the engine for the devices again and refills the combo, keeping the typed port. */
    public void refresh() {
        String keep = selectedNode();
        com.google.gson.JsonObject request = new com.google.gson.JsonObject();
        if (!devRoot.isEmpty()) {
            request.addProperty("dev_root", devRoot);
        }
        if (!sysfsRoot.isEmpty()) {
            request.addProperty("sysfs_root", sysfsRoot);
        }
        try {
            devices = SerialDevice.parse(enumerate.apply(request.toString()));
            details.setText(devices.isEmpty() ? "no serial device found" : devices.size() + " device(s) found");
        } catch (RuntimeException e) {
            devices = List.of();
            details.setText("device enumeration failed: " + e.getMessage());
        }
        port.setItems(devices.stream().map(SerialDevice::label).toArray(String[]::new));
        port.setText(keep);
        showDetails();
    }

    /** The port node: the device behind a selected label, or the typed text. */
    public String selectedNode() {
        String t = port.getText().trim();
        for (SerialDevice d : devices) {
            if (d.label().equals(t)) {
                return d.node;
            }
        }
        return t;
    }

    /** The engine names devices as the target system sees them (/dev/…) even under a test dev_root. */
    private String asSystemNode(String node) {
        if (!devRoot.isEmpty() && node.startsWith(devRoot + "/")) {
            return "/dev/" + node.substring(devRoot.length() + 1);
        }
        return node;
    }

    private void showDetails() {
        String node = asSystemNode(selectedNode());
        for (SerialDevice d : devices) {
            if (d.node.equals(node)) {
                details.setText(d.description + (d.vid.isEmpty() ? "" : "  VID:PID " + d.vid + ":" + d.pid)
                        + (d.probeSerial.isEmpty() ? "" : "  probe " + d.probeSerial) + (d.vcp ? "  (ST-LINK VCP)" : ""));
                return;
            }
        }
    }

    @Override
    protected void doLoad(Attributes a) {
        devRoot = a.get(Setting.DEV_ROOT.key, "");
        sysfsRoot = a.get(Setting.SYSFS_ROOT.key, "");
        port.setText(a.get(Setting.SERIAL.key, ""));
        probeSerial.setText(a.get(Setting.PROBE_SERIAL.key, ""));
        refresh();
    }

    @Override
    public void save(Attributes a) {
        a.set(Setting.SERIAL.key, selectedNode());
        a.set(Setting.PROBE_SERIAL.key, probeSerial.getText().trim());
    }

    @Override
    public String validate() {
        String node = selectedNode();
        if (node.contains(" ")) {
            return "Console port must be a device path such as /dev/ttyACM0.";
        }
        return null;
    }
}
