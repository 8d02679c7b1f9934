package com.stm32mp.prelaunch.bridge;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the bridge: loads the native library once, checks the handshake, and starts runs.
 *
 * <p>Loading never harms the host (an IDE): a {@link LinkageError} is caught and kept, and every
 * later call throws {@link BridgeUnavailableException} with the reason. Nothing here calls
 * System.exit. Set the system property {@code stm32mp.prelaunch.library} to an absolute path to
 * load a specific file (tests, development); otherwise {@code System.loadLibrary} resolves it
 * (Bundle-NativeCode inside Eclipse, java.library.path elsewhere).
 */
public final class PreLaunch {
    public static final String LIBRARY_NAME = "stm32mp_prelaunch_jni";
    public static final String LIBRARY_PATH_PROPERTY = "stm32mp.prelaunch.library";

    private static final Object LOCK = new Object();
    private static volatile boolean attempted;
    private static volatile BridgeUnavailableException loadError;

    private PreLaunch() {}

    /** True when the library is loaded and matches; never throws. */
    public static boolean isAvailable() {
        ensureLoadAttempted();
        return loadError == null;
    }

    /** Why the library is unavailable, or null. */
    public static BridgeUnavailableException loadError() {
        ensureLoadAttempted();
        return loadError;
    }

    /** Engine version reported by the native library. */
    public static String version() {
        requireLoaded();
        return PreLaunchNative.libraryVersion();
    }

    /** Serial devices as the engine enumerates them (JSON {"devices":[…]}). */
    public static String devicesJson(String requestJson) {
        requireLoaded();
        return PreLaunchNative.devices(requestJson);
    }

    /** Starts a pre-launch run; close the returned handle (try-with-resources). */
    public static CheckRun start(String requestJson) {
        requireLoaded();
        return new CheckRun(PreLaunchNative.start(requestJson));
    }

    static void requireLoaded() {
        ensureLoadAttempted();
        BridgeUnavailableException error = loadError;
        if (error != null) {
            // A fresh exception per call so each caller gets its own stack, with the original as cause.
            throw new BridgeUnavailableException(error.getMessage(), error);
        }
    }

    private static void ensureLoadAttempted() {
        if (attempted) {
            return;
        }
        synchronized (LOCK) {
            if (!attempted) {
                loadError = load();
                attempted = true;
            }
        }
    }

    private static BridgeUnavailableException load() {
        List<Throwable> attempts = new ArrayList<>();
        String explicit = System.getProperty(LIBRARY_PATH_PROPERTY);
        boolean loaded = false;
        if (explicit != null && !explicit.isEmpty()) {
            try {
                System.load(explicit);
                loaded = true;
            } catch (LinkageError | SecurityException e) {
                attempts.add(new IllegalStateException("System.load(" + explicit + "): " + e.getMessage(), e));
            }
        }
        if (!loaded) {
            try {
                System.loadLibrary(LIBRARY_NAME);
                loaded = true;
            } catch (LinkageError | SecurityException e) {
                attempts.add(new IllegalStateException("System.loadLibrary(" + LIBRARY_NAME + "): " + e.getMessage(), e));
            }
        }
        if (!loaded) {
            BridgeUnavailableException error = new BridgeUnavailableException(
                    "the native pre-launch library '" + LIBRARY_NAME + "' could not be loaded on "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                            + ": " + attempts.get(attempts.size() - 1).getMessage()
                            + ". Fix: install the bundle built for this platform (see docs/eclipse.md).",
                    attempts.get(0));
            attempts.forEach(error::addSuppressed);
            return error;
        }
        return handshake();
    }

    private static BridgeUnavailableException handshake() {
        try {
            int abi = PreLaunchNative.abiVersion();
            if (abi != PreLaunchNative.ABI_VERSION) {
                return new BridgeUnavailableException("native library speaks JNI contract " + abi
                        + " but this plug-in expects " + PreLaunchNative.ABI_VERSION
                        + ". Fix: install the plug-in and its native library from the same build.", null);
            }
            String version = PreLaunchNative.libraryVersion();
            if (!BuildInfo.VERSION.equals(version)) {
                return new BridgeUnavailableException("native library version " + version
                        + " does not match the Java side " + BuildInfo.VERSION
                        + ". Fix: install the plug-in and its native library from the same build.", null);
            }
            return null;
        } catch (LinkageError e) {
            // An old or foreign library without our natives: keep it as a clear message.
            return new BridgeUnavailableException("native library '" + LIBRARY_NAME
                    + "' lacks the expected functions (" + e + "). Fix: install the plug-in and its native"
                    + " library from the same build.", e);
        }
    }
}
