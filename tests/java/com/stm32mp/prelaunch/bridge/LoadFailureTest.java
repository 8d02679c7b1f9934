package com.stm32mp.prelaunch.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A missing library must never harm the host: in a fresh JVM without the library, PreLaunch reports
 * it as unavailable with a reason and a fix, every call throws BridgeUnavailableException (not an
 * UnsatisfiedLinkError), and the JVM exits normally.
 */
class LoadFailureTest {
    /** Runs in the child JVM. */
    public static void main(String[] args) {
        System.out.println("available=" + PreLaunch.isAvailable());
        System.out.println("message=" + PreLaunch.loadError().getMessage());
        try {
            PreLaunch.start("{}");
            System.out.println("start=returned");
        } catch (BridgeUnavailableException e) {
            System.out.println("start=" + e.getClass().getSimpleName() + " code=" + e.code());
        }
    }

    @Test
    void missingLibraryIsAClearErrorAndTheJvmLivesOn() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // The console launcher loads the tests through its own class loader: rebuild the class path from where
        // the test, the bridge and gson classes came from.
        String classPath = String.join(File.pathSeparator, jarOf(LoadFailureTest.class), jarOf(PreLaunch.class),
                jarOf(com.google.gson.JsonParser.class));
        Process p = new ProcessBuilder(List.of(java, "-cp", classPath,
                "-Dstm32mp.prelaunch.library=/nonexistent/libstm32mp_prelaunch_jni.so", "-Djava.library.path=/nonexistent",
                LoadFailureTest.class.getName())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("could not be loaded") && out.contains("Fix:"), out);
        assertTrue(out.contains("start=BridgeUnavailableException code=" + BridgeUnavailableException.CODE), out);
    }

    private static String jarOf(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }
}
