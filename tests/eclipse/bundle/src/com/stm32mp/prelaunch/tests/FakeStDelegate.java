package com.stm32mp.prelaunch.tests;

import com.google.gson.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.Launch;
import org.eclipse.debug.core.model.ILaunchConfigurationDelegate2;

/**
 * Delegate of the ST stand-in type. Like CDT's GdbLaunchDelegate it creates its own launch object in
 * getLaunch and relies on getting it back in launch(). Without the load attribute it records
 * "name|mode"; with it, it does what ST's production mode does against the simulated board: opens the
 * configured serial device, copies the image to /lib/firmware with scp, writes remoteproc0's firmware
 * and state (as ST's fw_cortex_m33.sh hard-codes remoteproc0), and fails with ST's exact message.
 */
public final class FakeStDelegate implements ILaunchConfigurationDelegate2 {
    public static final String LOAD = "com.stm32mp.tests.standin.load";
    public static final String ST_FAILURE = "Error in final launch sequence:\n\nFailed pre launch\nFailed pre launch\n"
            + "Firmware remoteproc load failed, please: 1. make sure that /lib/firmware on your target has space "
            + "2. make sure that /lib/firmware has write access";
    public static final List<String> LAUNCHES = new CopyOnWriteArrayList<>();
    /** Every call the platform (or a forwarding delegate) made, as "method|name". */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    /** CDT's delegate casts the launch it gets in launch() to the class getLaunch created. */
    static final class StandInLaunch extends Launch {
        StandInLaunch(ILaunchConfiguration c, String mode) {
            super(c, mode, null);
        }
    }

    @Override
    public ILaunch getLaunch(ILaunchConfiguration c, String mode) {
        CALLS.add("getLaunch|" + c.getName());
        return new StandInLaunch(c, mode);
    }

    @Override
    public boolean buildForLaunch(ILaunchConfiguration c, String mode, IProgressMonitor monitor) {
        CALLS.add("buildForLaunch|" + c.getName());
        return false;  // no workspace build in the tests
    }

    @Override
    public boolean preLaunchCheck(ILaunchConfiguration c, String mode, IProgressMonitor monitor) {
        CALLS.add("preLaunchCheck|" + c.getName());
        return true;
    }

    @Override
    public boolean finalLaunchCheck(ILaunchConfiguration c, String mode, IProgressMonitor monitor) {
        CALLS.add("finalLaunchCheck|" + c.getName());
        return true;
    }

    @Override
    public void launch(ILaunchConfiguration c, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        CALLS.add("launch|" + c.getName());
        if (!(launch instanceof StandInLaunch)) {
            throw new ClassCastException(launch.getClass() + " is not the launch getLaunch created");
        }
        if (c.getAttribute(LOAD, false)) {
            load(c);
        }
        LAUNCHES.add(c.getName() + "|" + mode);
        launch.terminate();
    }

    private static void load(ILaunchConfiguration c) throws CoreException {
        try {
            JsonObject board = new Fixtures().board;
            String devRoot = board.get("dev_root").getAsString();
            String port = c.getAttribute("org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader", "");
            File serial = new File(devRoot, Path.of(port).getFileName().toString());
            if (!serial.exists()) {
                throw fail("serial device " + port + " cannot be opened");
            }
            String image = c.getAttribute("org.eclipse.cdt.launch.PROGRAM_NAME", "");
            String name = Path.of(image).getFileName().toString();
            List<String> scp = ssh(board, "scp");
            scp.add(image);
            scp.add(board.get("user").getAsString() + "@" + board.get("host").getAsString() + ":/lib/firmware/" + name);
            run(scp);
            List<String> ssh = ssh(board, "ssh");
            ssh.add(board.get("user").getAsString() + "@" + board.get("host").getAsString());
            ssh.add("cd /sys/class/remoteproc/remoteproc0 && { [ \"$(cat state)\" = offline ] || echo stop > state; } && echo "
                    + name + " > firmware && echo start > state && [ \"$(cat state)\" = running ]");
            run(ssh);
        } catch (CoreException e) {
            throw e;
        } catch (Exception e) {
            throw fail(e.toString());
        }
    }

    /** ssh/scp with the board's key and known_hosts only: nothing of the host user's ~/.ssh or agent. */
    static List<String> ssh(JsonObject board, String tool) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "UserKnownHostsFile=" + board.get("known_hosts").getAsString(), "-o", "ConnectTimeout=10",
                "-i", board.get("identity").getAsString()));
        if (board.has("port")) {
            cmd.add(tool.equals("scp") ? "-P" : "-p");
            cmd.add(board.get("port").getAsString());
        }
        return cmd;
    }

    /** Runs a command (60 s at most: the board-sim shares two cores with every other build). */
    static String run(List<String> cmd) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new java.io.IOException(String.join(" ", cmd) + ": timed out after 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new java.io.IOException(cmd.get(0) + " exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /** ST's failure as CDT's GdbLaunchDelegate reports it (plug-in org.eclipse.cdt.dsf.gdb, REQUEST_FAILED). */
    static CoreException fail(String detail) {
        System.out.println("  stand-in load failed: " + detail);
        return new CoreException(new Status(IStatus.ERROR, "org.eclipse.cdt.dsf.gdb", 5012, ST_FAILURE, null));
    }
}
