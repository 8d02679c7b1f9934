package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.model.Attributes;
import com.stm32mp.prelaunch.model.LaunchKeys;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

/**
 * Debug tab: the STM32CubeIDE debug configuration launched once the checks pass, with the settings
 * of it that matter here (serial port, board address, program) shown read-only.
 */
public final class DebugForm extends AttributeForm {
    private final Combo config;
    private final Label serial;
    private final Label inet;
    private final Label program;
    private final Supplier<List<String>> names;
    private final Function<String, Map<String, String>> read;

    /**
     * @param names names of the existing ST configurations
     * @param read ST configuration name → its attributes (ST keys of {@link LaunchKeys}); empty when absent
     */
    public DebugForm(Composite parent, Supplier<List<String>> names, Function<String, Map<String, String>> read) {
        super(parent);
        this.names = names;
        this.read = read;
        config = combo("STM32CubeIDE configuration:", true);
        config.add("", 0);
        serial = info("serialDeviceLoader:");
        inet = info("inetAddrLoader:");
        program = info("Program:");
        note("After the checks pass, this configuration is launched in the same mode (Debug or Run). Leave it empty"
                + " to run the checks only, e.g. as the first entry of a Launch Group followed by the ST configuration.");
        config.addModifyListener(e -> showSelected());
    }

    private void showSelected() {
        Map<String, String> a = read.apply(config.getText());
        serial.setText(a.getOrDefault(LaunchKeys.ST_SERIAL_DEVICE, "(not set)"));
        inet.setText(a.getOrDefault(LaunchKeys.ST_INET_ADDR, "(not set)"));
        program.setText(a.getOrDefault(LaunchKeys.ST_PROGRAM, "(not set)"));
        layout(true, true);
    }

    @Override
    protected void doLoad(Attributes a) {
        String selected = a.get(LaunchKeys.ST_CONFIG, "");
        List<String> all = names.get();
        config.setItems(all.toArray(String[]::new));
        config.add("", 0);
        int i = all.indexOf(selected);
        if (selected.isEmpty()) {
            config.select(0);
        } else if (i >= 0) {
            config.select(i + 1);
        } else if (!selected.isEmpty()) {
            config.add(selected);
            config.select(config.getItemCount() - 1);
        }
        showSelected();
    }

    @Override
    public void save(Attributes a) {
        a.set(LaunchKeys.ST_CONFIG, config.getText());
    }

    @Override
    public String validate() {
        if (!config.getText().isEmpty() && !names.get().contains(config.getText())) {
            return "STM32CubeIDE configuration '" + config.getText() + "' does not exist any more.";
        }
        return null;
    }
}
