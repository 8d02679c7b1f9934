package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.model.LaunchKeys;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.ContributorFactoryOSGi;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IContributor;
import org.eclipse.core.runtime.IExtensionRegistry;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;

/**
 * Puts our tab into STM32CubeIDE's own launch configuration dialog. A tab is contributed to a tab
 * group by its id, and ST's tab-group id is not public: it is read from the extension registry (the
 * launchConfigurationTabGroups element whose type is ST's type) and the tab is added as a dynamic
 * contribution at early startup, before the dialog first reads the tab extensions. No
 * associatedDelegate: the tab must show while the configuration is not opted in yet (its checkbox is
 * how one opts in). Without ST's plug-in nothing is contributed.
 */
public final class StTabContribution {
    public static final String TAB_ID = PluginIds.PLUGIN_ID + ".stChecksTab";
    public static final String TAB_NAME = "STM32MP2 checks";
    static final String TAB_GROUPS = "org.eclipse.debug.ui.launchConfigurationTabGroups";
    static final String TABS = "org.eclipse.debug.ui.launchConfigurationTabs";
    private static final String COMMON_TAB = "org.eclipse.debug.ui.commonTab";

    private StTabContribution() {}

    /** Ids of the tab groups registered for ST's launch type (one per mode set, usually one). */
    public static List<String> stTabGroupIds() {
        List<String> ids = new ArrayList<>();
        for (IConfigurationElement e : Platform.getExtensionRegistry().getConfigurationElementsFor(TAB_GROUPS)) {
            String id = e.getAttribute("id");
            if (LaunchKeys.ST_TYPE.equals(e.getAttribute("type")) && id != null && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The groups our tab is in already (contributed earlier in this session). */
    public static List<String> contributedGroups() {
        List<String> groups = new ArrayList<>();
        for (IConfigurationElement e : Platform.getExtensionRegistry().getConfigurationElementsFor(TABS)) {
            if (e.getAttribute("id") != null && e.getAttribute("id").startsWith(TAB_ID)) {
                groups.add(e.getAttribute("group"));
            }
        }
        return groups;
    }

    /**
     * Adds our tab to every tab group of ST's type that does not have it yet.
     *
     * @return the tab-group ids now holding our tab (empty without ST's plug-in or when refused)
     */
    public static synchronized List<String> contribute() {
        List<String> missing = new ArrayList<>(stTabGroupIds());
        missing.removeAll(contributedGroups());
        if (!missing.isEmpty()) {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?eclipse version=\"3.4\"?>\n"
                    + "<plugin><extension point=\"" + TABS + "\">\n");
            for (int i = 0; i < missing.size(); i++) {
                xml.append("<tab id=\"").append(TAB_ID).append('.').append(i).append("\" group=\"").append(escape(missing.get(i)))
                        .append("\" name=\"").append(TAB_NAME).append("\" class=\"").append(StChecksTab.class.getName())
                        .append("\"><placement after=\"").append(COMMON_TAB).append("\"/></tab>\n");
            }
            xml.append("</extension></plugin>\n");
            try {
                IExtensionRegistry registry = Platform.getExtensionRegistry();
                // The registry takes dynamic contributions with its user token (ExtensionRegistry's, not API).
                Object token = registry.getClass().getMethod("getTemporaryUserToken").invoke(registry);
                IContributor contributor = ContributorFactoryOSGi.createContributor(
                        Platform.getBundle(PluginIds.PLUGIN_ID));
                boolean added = registry.addContribution(new ByteArrayInputStream(xml.toString().getBytes(StandardCharsets.UTF_8)),
                        contributor, false, null, null, token);
                if (!added) {
                    log("the extension registry refused the tab contribution", null);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                log("the tab could not be added to STM32CubeIDE's dialog: " + e, e);
            }
        }
        return contributedGroups();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static void log(String message, Throwable t) {
        DebugPlugin.log(new Status(IStatus.WARNING, PluginIds.PLUGIN_ID, message, t));
    }
}
