package com.stm32mp.prelaunch.core;

import com.stm32mp.prelaunch.model.Report;

/**
 * Where the delegate writes a finished report. In the IDE a MessageConsole (ui package); headless,
 * standard output. Chosen at run time so the delegate never links against UI bundles.
 */
public interface ReportSink {
    void write(String configName, Report report);

    /** The console sink when org.eclipse.ui.console is present and a workbench runs, else stdout. */
    static ReportSink forEnvironment() {
        try {
            if (org.eclipse.core.runtime.Platform.getBundle("org.eclipse.ui.console") != null
                    && org.eclipse.core.runtime.Platform.getBundle("org.eclipse.ui.workbench") != null) {
                Class<?> c = Class.forName("com.stm32mp.prelaunch.ui.ConsoleReportSink");
                Object sink = c.getMethod("createIfWorkbenchRunning").invoke(null);
                if (sink != null) {
                    return (ReportSink) sink;
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // No console UI in this runtime (headless): fall through to stdout.
        }
        return (name, report) -> System.out.print(ReportText.render(name, report));
    }
}
