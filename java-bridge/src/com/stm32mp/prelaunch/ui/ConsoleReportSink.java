package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.ReportSink;
import com.stm32mp.prelaunch.core.ReportText;
import com.stm32mp.prelaunch.model.Report;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IConsoleManager;
import org.eclipse.ui.console.MessageConsole;
import org.eclipse.ui.console.MessageConsoleStream;

/** Writes the report to a "STM32MP2 pre-launch" MessageConsole and brings it to front. */
public final class ConsoleReportSink implements ReportSink {
    static final String CONSOLE_NAME = "STM32MP2 pre-launch";

    /** Called reflectively by {@link ReportSink#forEnvironment()}; null without a running workbench. */
    public static ReportSink createIfWorkbenchRunning() {
        return PlatformUI.isWorkbenchRunning() ? new ConsoleReportSink() : null;
    }

    @Override
    public void write(String configName, Report report) {
        IConsoleManager manager = ConsolePlugin.getDefault().getConsoleManager();
        MessageConsole console = null;
        for (IConsole c : manager.getConsoles()) {
            if (CONSOLE_NAME.equals(c.getName()) && c instanceof MessageConsole) {
                console = (MessageConsole) c;
            }
        }
        if (console == null) {
            console = new MessageConsole(CONSOLE_NAME, null);
            manager.addConsoles(new IConsole[] {console});
        }
        try (MessageConsoleStream out = console.newMessageStream()) {
            out.print(ReportText.render(configName, report));
        } catch (java.io.IOException e) {
            // Closing a console stream cannot lose the text already printed; nothing to report.
        }
        manager.showConsoleView(console);
    }
}
