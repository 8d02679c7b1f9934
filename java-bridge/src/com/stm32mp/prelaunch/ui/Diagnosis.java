package com.stm32mp.prelaunch.ui;

import com.stm32mp.prelaunch.core.FailedLaunchWatcher.FailedLaunch;
import com.stm32mp.prelaunch.core.PluginIds;
import com.stm32mp.prelaunch.core.PreLaunchDelegate;
import com.stm32mp.prelaunch.core.ReportSink;
import com.stm32mp.prelaunch.core.StConfigs;
import com.stm32mp.prelaunch.model.Report;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.MessageBox;
import org.eclipse.swt.widgets.Shell;

/**
 * Runs the diagnosis of a failed STM32CubeIDE launch (the configuration's own attributes: serial
 * device, address, program, project; nothing changed on the board; the kernel log since the launch
 * started) in a cancellable job and opens the report, whose quick fix writes the port into that
 * configuration.
 */
public final class Diagnosis {
    private Diagnosis() {}

    public static Job start(FailedLaunch failed) {
        ILaunchConfiguration st = failed.config();
        Job job = new Job("Diagnosing " + st.getName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    Report report = PreLaunchDelegate.runRequest(StConfigs.diagnosisRequest(st, failed.startedAtMillis()), monitor);
                    ReportSink.forEnvironment().write(st.getName(), report);
                    Display.getDefault().asyncExec(() -> new ReportDialog(DiagnoseOffer.workbenchShell(),
                            st.getName(), report, port -> apply(st, port)).open());
                    return Status.OK_STATUS;
                } catch (CoreException e) {
                    Display.getDefault().asyncExec(() -> {
                        Shell parent = DiagnoseOffer.workbenchShell();
                        Shell owner = parent != null ? parent : new Shell(Display.getDefault());  // MessageBox needs one
                        MessageBox box = new MessageBox(owner, SWT.ICON_ERROR | SWT.OK);
                        box.setText("Diagnosis of " + st.getName() + " could not run");
                        box.setMessage(e.getStatus().getMessage());
                        box.open();
                        if (owner != parent) {
                            owner.dispose();
                        }
                    });
                    return Status.OK_STATUS;  // shown above; the job's own error dialog would repeat it
                } catch (org.eclipse.core.runtime.OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                }
            }
        };
        job.setUser(true);
        job.schedule();
        return job;
    }

    static void apply(ILaunchConfiguration st, String port) {
        try {
            StConfigs.applySerialPort(st, port);
        } catch (CoreException e) {
            DebugPlugin.log(new Status(IStatus.ERROR, PluginIds.PLUGIN_ID,
                    "Could not write " + port + " into '" + st.getName() + "': " + e.getMessage(), e));
        }
    }
}
